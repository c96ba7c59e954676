package io.dbbackup.store.s3;

import io.dbbackup.core.ByteSize;
import io.dbbackup.config.Config;
import io.dbbackup.spi.Store;
import io.dbbackup.store.StoreConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class S3StoreProviderTest {
    @TempDir
    Path dir;

    static final Map<String, String> ENV = Map.of("AK", "AKIAEXAMPLEKEY", "SK", "very-secret-key-value");

    @Test
    void fullConfigIsReadWithoutTouchingTheNetwork() throws Exception {
        long t0 = System.nanoTime();
        Config c = StoreConfigs.load(dir, """
                    type: s3
                    endpoint: http://127.0.0.1:9
                    region: eu-central-1
                    bucket: backups
                    prefix: /prod/db/
                    access_key_env: AK
                    secret_key_env: SK
                    path_style: true
                    storage_class: STANDARD_IA
                    sse: aws:kms
                    sse_kms_key_id: arn:aws:kms:eu-central-1:111122223333:key/abc
                    part_size: 16MiB
                    upload_concurrency: 4
                """, ENV);
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
        Store store = c.stores().get("main").store();
        assertThat(store).isInstanceOf(S3Store.class);
        S3Settings s = ((S3Store) store).settings();
        assertThat(s.endpoint().toString()).isEqualTo("http://127.0.0.1:9");
        assertThat(s.region()).isEqualTo("eu-central-1");
        assertThat(s.prefix()).isEqualTo("prod/db/");
        assertThat(s.accessKey().reveal()).isEqualTo("AKIAEXAMPLEKEY");
        assertThat(s.pathStyle()).isTrue();
        assertThat(s.sse()).isEqualTo("aws:kms");
        assertThat(s.partSize()).isEqualTo(16L << 20);
        assertThat(s.concurrency()).isEqualTo(4);
        assertThat(store.describe()).isEqualTo("s3 s3://backups/prod/db/ at http://127.0.0.1:9")
                .doesNotContain("very-secret-key-value");
    }

    /** A user and password in the endpoint are never sent: dropped with a warning at the key that does not repeat them. */
    /**
     * A bucket name S3 refuses (2 characters) was only found at the first request, as "bucket does not exist": a one-line
     * warning at the key (file, line), not an error — legacy us-east-1 buckets and some S3-compatibles take such names.
     */
    @Test
    void aBucketNameThatBreaksS3sRulesIsAWarningAtItsKey() throws Exception {
        for (String[] c : new String[][]{{"ab", "it is 2 characters long; S3 needs 3 to 63"},
                {"My-Backups", "it holds upper-case letters"}, {"backups_prod", "characters other than lowercase letters"},
                {"-backups", "begin and end with a letter or digit"}, {"back..ups", "two dots in a row"},
                {"10.0.0.1", "formatted as an IP address"}, {"x".repeat(64), "it is 64 characters long"}}) {
            Config cfg = StoreConfigs.load(dir, "    type: s3\n    bucket: " + c[0] + "\n", Map.of());
            assertThat(((S3Store) cfg.stores().get("main").store()).settings().bucket()).as("still loaded").isEqualTo(c[0]);
            assertThat(cfg.warnings()).as(c[0]).singleElement().satisfies(w -> {
                assertThat(w.line()).isEqualTo(8);
                assertThat(w.format()).contains("dbbackup.yaml:8:").contains("warning").contains("stores.main.bucket")
                        .contains("'" + c[0] + "' is not a valid S3 bucket name: ").contains(c[1])
                        .contains("legacy us-east-1 bucket").doesNotContain("\n");
            });
        }
        // a reserved prefix is a rule like the others; a suffix S3 keeps for an alias says to name the bucket itself
        assertThat(StoreConfigs.load(dir, "    type: s3\n    bucket: xn--backups\n", Map.of()).warnings()).singleElement()
                .satisfies(w -> assertThat(w.format()).contains("'xn--backups' is not a valid S3 bucket name: it begins with "
                        + "'xn--', which S3 keeps for itself (punycode) (3-63 lowercase").contains("legacy us-east-1 bucket"));
        assertThat(StoreConfigs.load(dir, "    type: s3\n    bucket: backups-s3alias\n", Map.of()).warnings()).singleElement()
                .satisfies(w -> assertThat(w.format()).endsWith("stores.main.bucket: 'backups-s3alias' is not a valid S3 "
                        + "bucket name: it ends with '-s3alias', which S3 keeps for access point aliases; dbbackup writes to a "
                        + "general purpose bucket: name the bucket itself"));
        for (String valid : new String[]{"backups", "abc", "my.backups-2026", "x".repeat(63)}) {
            assertThat(StoreConfigs.load(dir, "    type: s3\n    bucket: " + valid + "\n", Map.of()).warnings()).as(valid).isEmpty();
        }
    }

    @Test
    void userInfoInTheEndpointIsDroppedWithAWarning() throws Exception {
        for (String[] c : new String[][]{
                {"https://backup:p%40ss-w0rd-9@minio.example:9000/base", "https://minio.example:9000/base", "p@ss-w0rd-9"},
                {"http://only-a-user-name@[::1]:9000", "http://[::1]:9000", "only-a-user-name"}}) {
            Config cfg = StoreConfigs.load(dir, "    type: s3\n    bucket: bkt\n    endpoint: " + c[0] + "\n", Map.of());
            S3Store store = (S3Store) cfg.stores().get("main").store();
            assertThat(store.settings().endpoint().toString()).isEqualTo(c[1]);
            assertThat(store.describe()).isEqualTo("s3 s3://bkt/ at " + c[1]);
            assertThat(cfg.warnings()).singleElement().satisfies(w -> {
                assertThat(w.line()).isEqualTo(9);
                assertThat(w.format()).contains("dbbackup.yaml:9:").contains("stores.main.endpoint")
                        .contains("user and password").doesNotContain(c[2]).doesNotContain("p%40ss");
            });
            assertThat(io.dbbackup.core.Redactor.redact("at " + c[0])).doesNotContain(c[2]).doesNotContain("p%40ss");
        }
    }

    /**
     * An endpoint with a query string or fragment (a pre-signed URL's {@code ?X-Amz-Security-Token=...}) was taken as it
     * was: the store's description showed it in every log line, error and notification. A config error at the key that
     * does not show the value.
     */
    @Test
    void anEndpointWithAQueryOrFragmentIsAnErrorThatDoesNotShowIt() throws Exception {
        for (String[] c : new String[][]{
                {"https://s3.example.com/?X-Amz-Security-Token=IQoJb3JpZ2luEXAMPLE", "IQoJb3JpZ2luEXAMPLE"},
                {"https://s3.example.com/base#tok-9f3a2e", "tok-9f3a2e"},
                {"http://minio.example:9000?", "minio.example"},
                {"https://backup:pw-77c1@minio.example:9000/?sig=sig-5c1d", "sig-5c1d"}}) {
            assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n    endpoint: " + c[0] + "\n", Map.of()))
                    .as(c[0]).contains("dbbackup.yaml:9:5: error: stores.main.endpoint: endpoint must not hold a query "
                            + "string or fragment (the value is not shown: it may hold a token); S3 requests are signed "
                            + "with access_key/secret_key")
                    .doesNotContain(c[1]).doesNotContain("pw-77c1");
        }
    }

    @Test
    void defaultsUseTheCredentialChain() throws Exception {
        S3Settings s = ((S3Store) StoreConfigs.load(dir, "    type: s3\n    bucket: bkt\n", Map.of())
                .stores().get("main").store()).settings();
        assertThat(s.accessKey()).isNull();
        assertThat(s.region()).isEqualTo("us-east-1");
        assertThat(s.prefix()).isEmpty();
        assertThat(s.partSize()).isEqualTo(8L << 20);
        assertThat(s.concurrency()).isEqualTo(2);
        assertThat(s.sse()).isNull();
        assertThat(s.checksum()).isTrue();
        assertThat(s.endpoint()).isNull();
    }

    /**
     * A template's unset value rendered as {@code ""}: {@code endpoint: ""} was read as absent, so a MinIO store's backups
     * (and its credentials) went to AWS; {@code region: ""} became us-east-1. An error at the key, as for every key.
     */
    @Test
    void anEmptyEndpointRegionStorageClassOrKmsKeyIsAnErrorAtItsKeyNotTheDefault() throws Exception {
        for (String[] c : new String[][]{{"endpoint", "AWS S3 itself"}, {"region", "us-east-1"},
                {"storage_class", "the bucket's default class"}, {"sse_kms_key_id", "the account's AWS-managed key"}}) {
            String extra = c[0].equals("sse_kms_key_id") ? "    sse: aws:kms\n" : "";
            assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n" + extra + "    " + c[0] + ": \"\"\n",
                    Map.of())).as(c[0]).contains("stores.main." + c[0] + ": must not be empty: leave the key out for " + c[1]);
        }
    }

    @Test
    void problemsAreReportedWithTheirKeys() throws Exception {
        assertThat(StoreConfigs.problems(dir, "    type: s3\n", Map.of())).contains("bucket");
        assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n    part_size: 3MiB\n", Map.of()))
                .contains("part_size must be a size between 5MiB and 1GiB");
        assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n    part_size: lots\n", Map.of()))
                .contains("part_size");
        assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n    secret_key: plain\n", Map.of()))
                .contains("secrets are not read from the config file");
        assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n    access_key_env: AK\n", ENV))
                .contains("give both access_key and secret_key");
        assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n    sse_kms_key_id: k\n", Map.of()))
                .contains("sse_kms_key_id needs sse: aws:kms");
        assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n    sse: rot13\n", Map.of())).contains("sse");
        assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n    endpoint: minio:9000\n", Map.of()))
                .contains("endpoint must be an http:// or https:// URL");
        assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: s3://b/x\n", Map.of()))
                .contains("bucket must be a bucket name");
        assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n    bukket: c\n", Map.of())).contains("bukket");
        assertThat(StoreConfigs.problems(dir, "    type: s3\n    bucket: bkt\n    access_key_env: AK\n    secret_key_env: SK\n",
                ENV)).isEmpty();
    }

    @Test
    void sizes() {
        assertThat(ByteSize.parse("8388608")).isEqualTo(8L << 20);
        assertThat(ByteSize.parse("16MiB")).isEqualTo(16L << 20);
        assertThat(ByteSize.parse("16 MB")).isEqualTo(16L << 20);
        assertThat(ByteSize.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("64k")).isEqualTo(64L << 10);
        assertThat(ByteSize.parse("5Mi")).isEqualTo(5L << 20);
        assertThat(ByteSize.parse("big")).isEqualTo(-1);
        assertThat(ByteSize.parse("16XB")).isEqualTo(-1);
        assertThat(ByteSize.parse("-5MiB")).isEqualTo(-1);
    }

    @Test
    void partSizeDoublesEveryThousandPartsSoAnyDumpFits() {
        PartPlan plan = new PartPlan(8L << 20);
        assertThat(plan.sizeOf(1)).isEqualTo(8L << 20);
        assertThat(plan.sizeOf(1000)).isEqualTo(8L << 20);
        assertThat(plan.sizeOf(1001)).isEqualTo(16L << 20);
        assertThat(plan.sizeOf(2001)).isEqualTo(32L << 20);
        assertThat(plan.sizeOf(10_000)).isEqualTo(1L << 30);
        assertThat(plan.capacity()).isEqualTo(4088L * 1000 * (1L << 20)); // ~3.9 TiB in 10,000 parts
        assertThat(new PartPlan(5L << 20).capacity()).isGreaterThan(3L << 40);
    }

    @Test
    void withoutAProxyVariableRequestsGoThroughOurClient() {
        assertThat(S3Store.ownClient(Map.of())).isTrue();
        for (String proxy : new String[] {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"}) {
            assertThat(S3Store.ownClient(Map.of(proxy, "http://proxy:3128"))).as(proxy).isFalse();
        }
        assertThat(S3Store.ownClient(Map.of("HTTP_PROXY", " "))).as("a blank proxy variable is no proxy").isTrue();
    }

    /** {@code http://fd00::5:9000} reads as no host: the error says to bracket it; bracketed, the store is named so. */
    @Test
    void anIpv6EndpointWithoutBracketsIsAnErrorThatSaysToBracketIt() throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StoreConfigs.load(dir, """
                    type: s3
                    endpoint: http://fd00::5:9000
                    bucket: backups
                    access_key_env: AK
                    secret_key_env: SK
                """, ENV)).hasMessageContaining("stores.main.endpoint: endpoint must be an http:// or https:// URL, e.g. "
                + "https://<account>.r2.cloudflarestorage.com; an IPv6 address goes in brackets, e.g. http://[fd00::5]:9000");
        Config c = StoreConfigs.load(dir, """
                    type: s3
                    endpoint: http://[fd00::5]:9000
                    path_style: true
                    bucket: backups
                    access_key_env: AK
                    secret_key_env: SK
                """, ENV);
        assertThat(c.stores().get("main").store().describe()).isEqualTo("s3 s3://backups/ at http://[fd00::5]:9000");
    }

    /** The bucket's prefix is checked as a job's: '..', '//', './' or a newline would make keys no S3 tool finds again. */
    @Test
    void prefixIsFolderNamesAsAJobPrefix() throws Exception {
        String base = "    type: s3\n    endpoint: http://127.0.0.1:9\n    bucket: bkt\n    access_key_env: AK\n    secret_key_env: SK\n";
        for (String bad : new String[]{"a/../b", "a//b", "./a", "a\\\\b", "\"a\\nb\"", "\"a\\tb\""}) {
            assertThat(StoreConfigs.problems(dir, base + "    prefix: " + bad + "\n", ENV)).as(bad)
                    .contains("dbbackup.yaml:12:5: error: stores.main.prefix: must ");
        }
        for (String good : new String[]{"/prod/db/", "prod", "team/db-1"}) {
            assertThat(StoreConfigs.problems(dir, base + "    prefix: " + good + "\n", ENV)).as(good).isEmpty();
        }
    }

    /** A typo in storage_class reached AWS only at the first upload (at night); checked at validate when no endpoint is set. */
    @Test
    void storageClassIsCheckedAgainstAwsClassesWithoutAnEndpoint() throws Exception {
        String aws = "    type: s3\n    bucket: bkt\n    access_key_env: AK\n    secret_key_env: SK\n";
        assertThat(StoreConfigs.problems(dir, aws + "    storage_class: STANDARD_AI\n", ENV))
                .contains("dbbackup.yaml:11:5: error: stores.main.storage_class: 'STANDARD_AI' is not an AWS S3 storage class; "
                        + "one of ").contains("DEEP_ARCHIVE, ").contains("STANDARD_IA");
        assertThat(StoreConfigs.problems(dir, aws + "    storage_class: glacier_ir\n", ENV))
                .contains("'glacier_ir' is not an AWS S3 storage class (they are upper case: GLACIER_IR)");
        assertThat(StoreConfigs.problems(dir, aws + "    storage_class: GLACIER_IR\n", ENV)).isEmpty();
        assertThat(StoreConfigs.problems(dir, aws + "    endpoint: https://s3.example\n    storage_class: COLD\n", ENV))
                .as("another S3 service's class is its own").isEmpty();
    }
}
