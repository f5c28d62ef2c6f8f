# hashstream image: the launcher's distribution on a Temurin 25 JRE. Runs `producer`, `consumer`
# and `tail` against the Kafka and registry that docker-compose.yml (or your cluster) provides; the
# embedded local runtime (`local`, `up`) is for machines without Docker.
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B install -DskipTests

FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 --home-dir /opt/hashstream hashstream
COPY --from=build /src/cli/target/lib/ /opt/hashstream/lib/
USER hashstream
ENV LC_ALL=C.UTF-8
ENTRYPOINT ["java", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp", "/opt/hashstream/lib/*", "io.hashstream.cli.Main"]
CMD ["--help"]
