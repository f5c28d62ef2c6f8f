package io.hashstream.schemas.internal;

import io.hashstream.schemas.serde.SerdeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/** The TLS context for the registry, from the {@code schema.registry.ssl.*} properties. */
final class Tls {
  private Tls() {}

  /**
   * A context built from the given stores, or null when no store is configured and host names are
   * checked (the JDK's default context then applies).
   */
  static @Nullable SSLContext context(Map<String, Object> parsed, boolean hostnameVerification) {
    String trustStore = ConfigValues.optionalString(parsed, SerdeConfig.SSL_TRUSTSTORE_LOCATION);
    String keyStore = ConfigValues.optionalString(parsed, SerdeConfig.SSL_KEYSTORE_LOCATION);
    if (isBlank(trustStore) && isBlank(keyStore) && hostnameVerification) {
      return null;
    }
    try {
      TrustManager[] trustManagers = trustManagers(parsed, trustStore, hostnameVerification);
      KeyManager[] keyManagers = keyManagers(parsed, keyStore);
      SSLContext context =
          SSLContext.getInstance(ConfigValues.string(parsed, SerdeConfig.SSL_PROTOCOL));
      context.init(keyManagers, trustManagers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new ConfigException(
          "the schema.registry.ssl.* settings do not make a TLS context: " + e.getMessage());
    }
  }

  private static TrustManager[] trustManagers(
      Map<String, Object> parsed, @Nullable String location, boolean hostnameVerification)
      throws GeneralSecurityException {
    KeyStore store =
        location == null || location.isBlank()
            ? null
            : load(
                location,
                ConfigValues.string(parsed, SerdeConfig.SSL_TRUSTSTORE_TYPE),
                ConfigValues.password(parsed, SerdeConfig.SSL_TRUSTSTORE_PASSWORD),
                SerdeConfig.SSL_TRUSTSTORE_LOCATION);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    TrustManager[] managers = factory.getTrustManagers();
    if (hostnameVerification) {
      return managers;
    }
    for (int i = 0; i < managers.length; i++) {
      if (managers[i] instanceof X509ExtendedTrustManager extended) {
        managers[i] = new NoHostnameCheck(extended);
      }
    }
    return managers;
  }

  private static KeyManager @Nullable [] keyManagers(
      Map<String, Object> parsed, @Nullable String location) throws GeneralSecurityException {
    if (location == null || location.isBlank()) {
      return null;
    }
    String storePassword = ConfigValues.password(parsed, SerdeConfig.SSL_KEYSTORE_PASSWORD);
    KeyStore store =
        load(
            location,
            ConfigValues.string(parsed, SerdeConfig.SSL_KEYSTORE_TYPE),
            storePassword,
            SerdeConfig.SSL_KEYSTORE_LOCATION);
    String keyPassword = ConfigValues.password(parsed, SerdeConfig.SSL_KEY_PASSWORD);
    String password = keyPassword != null ? keyPassword : storePassword;
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password == null ? new char[0] : password.toCharArray());
    return factory.getKeyManagers();
  }

  private static KeyStore load(
      String location, String type, @Nullable String password, String property)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(type.isBlank() ? KeyStore.getDefaultType() : type);
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      store.load(in, password == null ? null : password.toCharArray());
    } catch (IOException e) {
      throw new ConfigException(property, location, "cannot be read: " + e.getMessage());
    }
    return store;
  }

  private static boolean isBlank(@Nullable String value) {
    return value == null || value.isBlank();
  }

  /**
   * Checks the server's certificate chain but not its host name, for {@code
   * schema.registry.ssl.endpoint.identification.algorithm=} (empty): {@code java.net.http} offers
   * no per-client switch, and the chain check without an engine skips only the host name.
   */
  private static final class NoHostnameCheck extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;

    NoHostnameCheck(X509ExtendedTrustManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
