package io.hashstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

/**
 * The classes generated from the earlier schema version ({@code src/test/avro-v1}), as an old
 * reader or writer deployed with them would have them: same names as the current classes, so they
 * live in a class loader of their own that finds {@code io.hashstream.schemas.avro.*} in the
 * build's {@code v1-classes} directory before asking its parent.
 */
public final class V1Classes extends ClassLoader {
  /** Set by the build to the directory of the compiled earlier-version classes. */
  public static final String DIRECTORY_PROPERTY = "hashstream.schemas.v1.classes";

  private static final String PACKAGE = TrustedAvroClasses.PACKAGE + ".";

  private final Path directory;

  public V1Classes() {
    super("hashstream-schemas-v1", V1Classes.class.getClassLoader());
    String configured = System.getProperty(DIRECTORY_PROPERTY);
    if (configured == null) {
      throw new IllegalStateException(DIRECTORY_PROPERTY + " is not set: run the tests with Maven");
    }
    this.directory = Path.of(configured);
    if (!Files.isDirectory(directory)) {
      throw new IllegalStateException("no earlier-version classes in " + directory);
    }
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.startsWith(PACKAGE)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        loaded = findClass(name);
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    Path file = directory.resolve(name.replace('.', '/') + ".class");
    if (!Files.isRegularFile(file)) {
      throw new ClassNotFoundException(name + " (not in " + directory + ")");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readAllBytes();
      return defineClass(name, bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An earlier-version class, by its simple name: {@code FileChangeEvent}. */
  public Class<?> type(String simpleName) {
    try {
      return loadClass(PACKAGE + simpleName);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The schema of an earlier-version class. */
  public Schema schema(String simpleName) {
    return (Schema) invokeStatic(type(simpleName), "getClassSchema");
  }

  /** Calls a public static method of {@code type} without arguments. */
  public static Object invokeStatic(Class<?> type, String method) {
    try {
      Object result = type.getMethod(method).invoke(null);
      if (result == null) {
        throw new IllegalStateException(type.getName() + "." + method + "() returned null");
      }
      return result;
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException(e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Calls a public method of {@code target} by name, with the given arguments. */
  public static @Nullable Object invoke(
      Object target, String method, @Nullable Object... arguments) {
    for (Method candidate : target.getClass().getMethods()) {
      if (candidate.getName().equals(method) && candidate.getParameterCount() == arguments.length) {
        try {
          return candidate.invoke(target, arguments);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
          throw new IllegalStateException(e.getCause());
        }
      }
    }
    throw new IllegalArgumentException(target.getClass() + " has no method " + method);
  }

  /** Runs {@code action} with this loader as the thread's context class loader. */
  public <T> T withContext(Callable<T> action) throws Exception {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(this);
    try {
      return action.call();
    } finally {
      thread.setContextClassLoader(before);
    }
  }
}
