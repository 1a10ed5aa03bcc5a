# syntax=docker/dockerfile:1
# Multi-stage build: a static, CGO-free binary on a distroless non-root base.
FROM golang:1.26.10-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/bankflow ./cmd/bankflow

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bankflow /usr/local/bin/bankflow
USER nonroot:nonroot
ENV HTTP_ADDR=:8080 DATA_DIR=/app/data UPLOAD_DIR=/app/uploads
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["/usr/local/bin/bankflow", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/bankflow"]
CMD ["serve", "--role", "all"]
