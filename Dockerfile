# Multi-stage build: compile in the Rust image, run in a slim Debian image as a non-root user.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
# The bundled SQLite's compile flags (see the comments there).
COPY .cargo .cargo
COPY src src
COPY migrations migrations
RUN cargo build --release --locked --bin stakemap && strip target/release/stakemap

FROM debian:bookworm-slim
# libssl3 and CA certificates: TLS to managed PostgreSQL (libpq is built in, OpenSSL is not).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl3 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin stakemap \
    && mkdir -p /data && chown stakemap /data
COPY --from=build /src/target/release/stakemap /usr/local/bin/stakemap
USER stakemap
WORKDIR /data
# STAKEMAP_DATABASE_URL: sqlite:///data/stakemap.db (the volume) by default;
# set postgres://user:pass@host:5432/db to use PostgreSQL instead.
ENV STAKEMAP_DATABASE_URL=sqlite:///data/stakemap.db \
    STAKEMAP_LISTEN=0.0.0.0:8080 \
    STAKEMAP_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["stakemap"]
CMD ["serve"]
