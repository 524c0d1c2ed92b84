# h3-go is cgo: build with a C compiler, run on a small glibc image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/flightwatch ./cmd/flightwatch

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates wget && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/flightwatch /usr/local/bin/flightwatch
COPY configs /etc/flightwatch
EXPOSE 8080
USER nobody
ENTRYPOINT ["flightwatch"]
CMD ["serve", "--config", "/etc/flightwatch/flightwatch.yaml"]
