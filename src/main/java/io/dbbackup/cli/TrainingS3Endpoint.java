package io.dbbackup.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;

/**
 * A throwaway S3 endpoint in memory, on loopback, for {@link ArchiveTraining} only: it answers the requests a
 * backup, a listing and a verification send (HEAD, GET, PUT, the multipart calls, ListObjectsV2,
 * DeleteObjects) so that the class-data archive holds the S3 code a real backup runs, answers included.
 * It checks no signature and keeps nothing; it is never reachable from the command line.
 */
final class TrainingS3Endpoint implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
    private final Map<String, NavigableMap<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();

    TrainingS3Endpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "training-s3");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int completedMultipartUploads() {
        return completed.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            int slash = path.indexOf('/', 1);
            String key = slash < 0 ? "" : URLDecoder.decode(path.substring(slash + 1), StandardCharsets.UTF_8);
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            byte[] body = x.getRequestBody().readAllBytes();
            switch (x.getRequestMethod()) {
                case "HEAD" -> head(x, key);
                case "GET" -> {
                    if (q.containsKey("list-type")) {
                        list(x, q.getOrDefault("prefix", ""), q.get("delimiter"));
                    } else {
                        get(x, key);
                    }
                }
                case "PUT" -> {
                    if (q.containsKey("uploadId")) {
                        uploads.get(q.get("uploadId")).put(Integer.parseInt(q.get("partNumber")), body);
                    } else {
                        objects.put(key, body);
                    }
                    x.getResponseHeaders().add("ETag", "\"" + UUID.randomUUID() + "\"");
                    String sum = x.getRequestHeaders().getFirst("x-amz-checksum-sha256");
                    if (sum != null) {
                        x.getResponseHeaders().add("x-amz-checksum-sha256", sum);
                    }
                    send(x, 200, null);
                }
                case "POST" -> post(x, key, q, body);
                case "DELETE" -> {
                    if (q.containsKey("uploadId")) {
                        uploads.remove(q.get("uploadId"));
                    } else {
                        objects.remove(key);
                    }
                    send(x, 204, null);
                }
                default -> send(x, 405, null);
            }
        }
    }

    private void head(HttpExchange x, String key) throws IOException {
        if (key.isEmpty()) { // HeadBucket: the store asks once, after a HEAD that missed, whether the bucket exists
            x.sendResponseHeaders(200, -1);
            return;
        }
        byte[] o = objects.get(key);
        if (o == null) {
            x.sendResponseHeaders(404, -1);
            return;
        }
        x.getResponseHeaders().add("Content-Type", "application/octet-stream");
        x.getResponseHeaders().add("ETag", "\"training\"");
        x.getResponseHeaders().add("Last-Modified", "Mon, 30 Nov 2026 00:00:00 GMT");
        x.getResponseHeaders().add("Content-Length", Long.toString(o.length));
        x.sendResponseHeaders(200, -1);
    }

    private void get(HttpExchange x, String key) throws IOException {
        byte[] o = objects.get(key);
        if (o == null) {
            send(x, 404, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
                    + "<Message>The specified key does not exist.</Message><Key>" + xml(key) + "</Key></Error>");
            return;
        }
        x.getResponseHeaders().add("Content-Type", "application/octet-stream");
        x.getResponseHeaders().add("ETag", "\"training\"");
        x.sendResponseHeaders(200, o.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(o);
        }
    }

    private void list(HttpExchange x, String prefix, String delimiter) throws IOException {
        StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>training</Name><Prefix>")
                .append(xml(prefix)).append("</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>");
        java.util.Set<String> folders = new java.util.TreeSet<>();
        for (Map.Entry<String, byte[]> e : objects.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith(prefix)) {
                continue;
            }
            int cut = delimiter == null ? -1 : k.indexOf(delimiter, prefix.length());
            if (cut >= 0) {
                folders.add(k.substring(0, cut + delimiter.length()));
                continue;
            }
            s.append("<Contents><Key>").append(xml(k)).append("</Key><LastModified>2026-11-30T00:00:00.000Z</LastModified>")
                    .append("<ETag>\"training\"</ETag><Size>").append(e.getValue().length)
                    .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        folders.forEach(f -> s.append("<CommonPrefixes><Prefix>").append(xml(f)).append("</Prefix></CommonPrefixes>"));
        send(x, 200, s.append("</ListBucketResult>").toString());
    }

    private void post(HttpExchange x, String key, Map<String, String> q, byte[] body) throws IOException {
        String ns = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
        if (q.containsKey("uploads")) {
            String id = UUID.randomUUID().toString();
            uploads.put(id, new TreeMap<>());
            send(x, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult" + ns + "><Bucket>training</Bucket><Key>"
                    + xml(key) + "</Key><UploadId>" + id + "</UploadId></InitiateMultipartUploadResult>");
        } else if (q.containsKey("uploadId")) {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            for (byte[] part : uploads.remove(q.get("uploadId")).values()) {
                whole.write(part);
            }
            objects.put(key, whole.toByteArray());
            completed.incrementAndGet();
            send(x, 200, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult" + ns + "><Location>training</Location>"
                    + "<Bucket>training</Bucket><Key>" + xml(key) + "</Key><ETag>\"training-1\"</ETag></CompleteMultipartUploadResult>");
        } else if (q.containsKey("delete")) {
            StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DeleteResult" + ns + ">");
            String text = new String(body, StandardCharsets.UTF_8);
            for (int i = text.indexOf("<Key>"); i >= 0; i = text.indexOf("<Key>", i + 5)) {
                String k = text.substring(i + 5, text.indexOf("</Key>", i));
                objects.remove(k);
                s.append("<Deleted><Key>").append(k).append("</Key></Deleted>");
            }
            send(x, 200, s.append("</DeleteResult>").toString());
        } else {
            send(x, 400, null);
        }
    }

    private static void send(HttpExchange x, int status, String xmlBody) throws IOException {
        if (xmlBody == null) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        byte[] b = xmlBody.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/xml");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String p : raw.split("&")) {
                int eq = p.indexOf('=');
                q.put(URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
