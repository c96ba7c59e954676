package io.dbbackup.deploy;

import io.dbbackup.job.Sharding;
import io.dbbackup.testkit.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/kubernetes/*.yaml: valid YAML, the settings a backup CronJob needs, and a config that validates. */
class KubernetesManifestsTest {
    static final Path DIR = Path.of(System.getProperty("project.basedir", ".")).resolve("deploy/kubernetes");
    static final String SECRETS_MOUNT = "/run/secrets/dbbackup";

    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String file) throws IOException {
        Iterable<Object> docs = new Load(LoadSettings.builder().setLabel(file).build()).loadAllFromString(Files.readString(DIR.resolve(file)));
        List<Object> all = new ArrayList<>();
        docs.forEach(all::add);
        assertThat(all).as(file + ": one YAML document").hasSize(1);
        return (Map<String, Object>) all.get(0);
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> m, String path) {
        Object cur = m;
        for (String key : path.split("\\.")) {
            if (cur instanceof List<?> l) {
                cur = l.get(Integer.parseInt(key));
            } else {
                assertThat(cur).as(path + " at " + key).isInstanceOf(Map.class);
                cur = ((Map<String, Object>) cur).get(key);
            }
        }
        assertThat(cur).as(path).isNotNull();
        return (T) cur;
    }

    /** The pod template of a CronJob or Job. */
    static Map<String, Object> podSpec(Map<String, Object> workload) {
        return at(workload, workload.get("kind").equals("CronJob") ? "spec.jobTemplate.spec.template.spec" : "spec.template.spec");
    }

    static Map<String, Object> jobSpec(Map<String, Object> workload) {
        return at(workload, workload.get("kind").equals("CronJob") ? "spec.jobTemplate.spec" : "spec");
    }

    @Test
    void everyFileIsOneKubernetesObjectOfTheExpectedKind() throws IOException {
        Map<String, String> kinds = Map.of("cronjob.yaml", "CronJob", "indexed-job.yaml", "Job",
                "audit-cronjob.yaml", "CronJob", "drill-cronjob.yaml", "CronJob", "configmap.yaml", "ConfigMap", "secret.yaml", "Secret");
        try (var files = Files.list(DIR)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml")))
                    .containsExactlyInAnyOrderElementsOf(kinds.keySet());
        }
        for (var e : kinds.entrySet()) {
            Map<String, Object> m = load(e.getKey());
            assertThat(m.get("kind")).as(e.getKey()).isEqualTo(e.getValue());
            assertThat((String) m.get("apiVersion")).as(e.getKey()).isIn("v1", "batch/v1");
        }
    }

    @Test
    void theCronJobRunsOnceAtATimeWithinDeadlines() throws IOException {
        Map<String, Object> cron = load("cronjob.yaml");
        assertThat((String) at(cron, "spec.concurrencyPolicy")).isEqualTo("Forbid");
        assertThat((Integer) at(cron, "spec.startingDeadlineSeconds")).isPositive();
        assertThat((Integer) at(cron, "spec.jobTemplate.spec.backoffLimit")).isBetween(0, 6);
        assertThat((Integer) at(cron, "spec.jobTemplate.spec.activeDeadlineSeconds")).isPositive();
        assertThat((String) at(cron, "spec.schedule")).matches("\\S+( \\S+){4}");
    }

    @Test
    void theAuditRunsAfterTheNightlyBackupAndMailsAStaleJobOnce() throws IOException {
        Map<String, Object> audit = load("audit-cronjob.yaml");
        Map<String, Object> nightly = load("cronjob.yaml");
        assertThat((String) at(audit, "metadata.name")).isNotEqualTo(at(nightly, "metadata.name"));
        int auditHour = Integer.parseInt(((String) at(audit, "spec.schedule")).split(" ")[1]);
        int nightlyHour = Integer.parseInt(((String) at(nightly, "spec.schedule")).split(" ")[1]);
        assertThat(auditHour).isGreaterThan(nightlyHour); // within the 26 h of --max-age, after the night's backup
        List<Map<String, Object>> containers = at(podSpec(audit), "containers");
        List<String> args = at(containers.get(0), "args");
        assertThat(args).containsSubsequence("verify", "--all", "--max-age", "26h", "--notify");
        List<Map<String, Object>> rules = at(jobSpec(audit), "podFailurePolicy.rules");
        assertThat(rules).anySatisfy(r -> assertThat((List<Integer>) at(r, "onExitCodes.values")).contains(2, 3));
    }

    /**
     * The audit's exit codes for a stale job, as verify gives them — 2 for a config of one job, 4 for one of several
     * (the ConfigMap's) where the others are fresh — each fail the audit Job at once: a code the podFailurePolicy leaves
     * retryable reruns the audit up to backoffLimit times, and every rerun mails the stale job's owners again.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theAuditFailsAtOnceOnEveryCodeAStaleJobGivesIt() throws Exception {
        Map<String, Object> config = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(configText());
        assertThat(((Map<String, Object>) at(config, "jobs")).size()).as("the ConfigMap's jobs").isGreaterThan(1);

        io.dbbackup.testkit.SqliteFixture.create(tmp.resolve("fresh.db"), 5);
        io.dbbackup.testkit.SqliteFixture.create(tmp.resolve("stale.db"), 5);
        Files.writeString(tmp.resolve("config.yaml"), """
                datasources:
                  fresh: {engine: sqlite, path: fresh.db}
                  stale: {engine: sqlite, path: stale.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  fresh: {datasource: fresh, store: local}
                  stale: {datasource: stale, store: local}
                """);
        java.time.Instant threeDaysAgo = java.time.Instant.now().minus(java.time.Duration.ofDays(3));
        assertThat(new Cli().workingDir(tmp).clock(java.time.Clock.fixed(threeDaysAgo, java.time.ZoneOffset.UTC))
                .run("-c", "config.yaml", "backup", "stale").exit()).isZero();
        assertThat(new Cli().workingDir(tmp).run("-c", "config.yaml", "backup", "fresh").exit()).isZero();

        Cli.Result several = new Cli().workingDir(tmp).run("-c", "config.yaml", "verify", "--all", "--max-age", "26h");
        Cli.Result one = new Cli().workingDir(tmp).run("-c", "config.yaml", "verify", "stale", "--max-age", "26h");
        assertThat(several.out()).as(several.toString()).contains("STALE");
        assertThat(one.out() + one.err()).as(one.toString()).contains("STALE");
        assertThat(several.exit()).as(several.toString()).isNotZero();
        assertThat(one.exit()).as(one.toString()).isNotZero();

        List<Map<String, Object>> rules = at(jobSpec(load("audit-cronjob.yaml")), "podFailurePolicy.rules");
        List<Integer> failAtOnce = rules.stream().filter(r -> "FailJob".equals(r.get("action")))
                .flatMap(r -> ((List<Integer>) at(r, "onExitCodes.values")).stream()).toList();
        assertThat(failAtOnce).as("audit-cronjob.yaml FailJob exit codes (verify --all of several jobs, one stale: %s; one job: %s)",
                several.exit(), one.exit()).contains(several.exit(), one.exit());
    }

    /** The audit and the drill mail "each job's notify rules": every job of the ConfigMap has one, to a notifier it defines. */
    @Test
    void everyJobNotifiesSomeoneForTheAuditAndTheDrillToMail() throws IOException {
        Map<String, Object> config = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(configText());
        Set<String> notifiers = ((Map<String, Object>) at(config, "notifications")).keySet();
        for (var job : ((Map<String, Object>) at(config, "jobs")).entrySet()) {
            List<Map<String, Object>> notify = (List<Map<String, Object>>) ((Map<String, Object>) job.getValue()).get("notify");
            assertThat(notify).as("jobs." + job.getKey() + ".notify").isNotEmpty()
                    .allSatisfy(rule -> assertThat(notifiers).contains((String) rule.get("notifier")));
        }
    }

    /** The drill restores into a scratch datasource of the ConfigMap that no job backs up, and never retries a corrupt backup. */
    @Test
    void theDrillRestoresIntoAScratchDatabaseNoJobBacksUp() throws IOException {
        Map<String, Object> drill = load("drill-cronjob.yaml");
        List<String> args = at(((List<Map<String, Object>>) at(podSpec(drill), "containers")).get(0), "args");
        assertThat(args).containsSubsequence("drill", "--all", "--to", "drill-scratch", "--notify");
        Map<String, Object> config = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(configText());
        assertThat((Map<String, Object>) at(config, "datasources")).containsKey("drill-scratch");
        for (Object job : ((Map<String, Object>) at(config, "jobs")).values()) {
            assertThat((String) ((Map<String, Object>) job).get("datasource")).isNotEqualTo("drill-scratch");
        }
        List<Map<String, Object>> rules = at(jobSpec(drill), "podFailurePolicy.rules");
        assertThat(rules).anySatisfy(r -> assertThat((List<Integer>) at(r, "onExitCodes.values")).contains(3, 4));
        assertThat((String) at(drill, "metadata.name")).isNotEqualTo(at(load("audit-cronjob.yaml"), "metadata.name"));
    }

    /**
     * drill has no retry of its own, and a drill that fails for every job — each job without backups ({@code job 'J' has no
     * backups in …}, which a retry finds again), the scratch account refused a privilege, the scratch server down — exits 2.
     * A code the podFailurePolicy leaves retryable reruns the whole drill up to backoffLimit times, and every rerun mails
     * each job's owners the same failure again: the drill fails the Job at once on every code a drill's failure gives it.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theDrillFailsAtOnceWhenEveryJobHasNoBackups() throws Exception {
        io.dbbackup.testkit.SqliteFixture.create(tmp.resolve("a.db"), 5);
        io.dbbackup.testkit.SqliteFixture.create(tmp.resolve("b.db"), 5);
        Files.writeString(tmp.resolve("config.yaml"), """
                datasources:
                  a: {engine: sqlite, path: a.db}
                  b: {engine: sqlite, path: b.db}
                  scratch: {engine: sqlite, path: scratch.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  a: {datasource: a, store: local}
                  b: {datasource: b, store: local}
                """);
        Cli.Result all = new Cli().workingDir(tmp).run("-c", "config.yaml", "drill", "--all", "--to", "scratch");
        Cli.Result one = new Cli().workingDir(tmp).run("-c", "config.yaml", "drill", "a", "--to", "scratch");
        assertThat(all.out()).as(all.toString()).contains("FAILED drill of job a: job 'a' has no backups",
                "FAILED drill of job b: job 'b' has no backups");
        assertThat(one.err()).as(one.toString()).contains("job 'a' has no backups");
        assertThat(all.exit()).as(all.toString()).isNotZero();
        assertThat(one.exit()).as(one.toString()).isNotZero();

        List<Map<String, Object>> rules = at(jobSpec(load("drill-cronjob.yaml")), "podFailurePolicy.rules");
        List<Integer> failAtOnce = rules.stream().filter(r -> "FailJob".equals(r.get("action")))
                .flatMap(r -> ((List<Integer>) at(r, "onExitCodes.values")).stream()).toList();
        assertThat(failAtOnce).as("drill-cronjob.yaml FailJob exit codes (drill --all, no job with a backup: %s; one job: %s)",
                all.exit(), one.exit()).contains(all.exit(), one.exit(), 1, 3, 4);
    }

    /**
     * A backup that fails for a reason no rerun changes — here a database that is not there; a refused password, a missing
     * bucket, a folder it may not write alike ({@code DbBackupException.permanent}: the job's own {@code retry} does not
     * retry it) — exits 2 (one job, or every job of {@code --all}). A code the podFailurePolicy leaves retryable reruns the
     * whole backup up to backoffLimit times, and every rerun mails the jobs' owners the same failure again. What a rerun
     * could get past, dbbackup's {@code retry} (which knows the failure) has already retried, job by job: every manifest
     * that runs {@code backup} fails the Job at once on each code a backup exits with (1–4), and leaves to Kubernetes only
     * what dbbackup cannot handle — the container killed (137, the out-of-memory killer) to backoffLimit, a pod
     * disrupted (DisruptionTarget: drain, eviction, preemption) ignored.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyBackupManifestFailsAtOnceOnEveryCodeAFailedBackupGives() throws Exception {
        Files.writeString(tmp.resolve("config.yaml"), """
                datasources:
                  a: {engine: sqlite, path: gone-a.db}
                  b: {engine: sqlite, path: gone-b.db}
                stores:
                  local: {type: local, path: store}
                jobs:
                  a: {datasource: a, store: local, retry: {max_attempts: 3, delay: 1m}}
                  b: {datasource: b, store: local, retry: {max_attempts: 3, delay: 1m}}
                """);
        Cli.Result all = new Cli().workingDir(tmp).run("-c", "config.yaml", "backup", "--all");
        Cli.Result one = new Cli().workingDir(tmp).run("-c", "config.yaml", "backup", "a");
        assertThat(all.out() + all.err()).as(all.toString()).contains("gone-a.db does not exist", "gone-b.db does not exist");
        assertThat(one.err()).as(one.toString()).contains("gone-a.db does not exist");
        assertThat(all.exit()).as(all.toString()).isNotZero();
        assertThat(one.exit()).as(one.toString()).isNotZero();

        List<String> backups = new ArrayList<>();
        try (var files = Files.list(DIR)) {
            for (String file : files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".yaml")).sorted().toList()) {
                Map<String, Object> workload = load(file);
                if (!List.of("CronJob", "Job").contains(workload.get("kind"))) {
                    continue;
                }
                List<String> args = at(((List<Map<String, Object>>) at(podSpec(workload), "containers")).get(0), "args");
                if (!args.contains("backup")) {
                    continue;
                }
                backups.add(file);
                Map<String, Object> job = jobSpec(workload);
                List<Map<String, Object>> rules = at(job, "podFailurePolicy.rules");
                // a shard's failure must not stop the other shards' pods mid-backup: an Indexed Job fails the index
                boolean indexed = "Indexed".equals(job.get("completionMode"));
                String action = indexed ? "FailIndex" : "FailJob";
                List<Integer> failAtOnce = rules.stream().filter(r -> action.equals(r.get("action")))
                        .flatMap(r -> ((List<Integer>) at(r, "onExitCodes.values")).stream()).toList();
                assertThat(failAtOnce).as("%s %s exit codes (backup --all, every job's database gone: %s; one job: %s)",
                        file, action, all.exit(), one.exit()).contains(all.exit(), one.exit(), 1, 3, 4).doesNotContain(137, 143);
                if (indexed) {
                    assertThat(rules).as(file + ": FailJob would stop the other shards").noneSatisfy(r -> assertThat(r.get("action")).isEqualTo("FailJob"));
                    assertThat((Integer) at(job, "backoffLimitPerIndex")).as(file + ": an OOM kill (137) is retried, per shard").isPositive();
                } else {
                    assertThat((Integer) at(job, "backoffLimit")).as(file + ": an OOM kill (137) is retried").isPositive();
                }
                assertThat(rules).as(file).anySatisfy(r -> {
                    assertThat(r.get("action")).isEqualTo("Ignore");
                    assertThat((List<Map<String, Object>>) at(r, "onPodConditions"))
                            .anySatisfy(c -> assertThat(c.get("type")).isEqualTo("DisruptionTarget"));
                });
            }
        }
        assertThat(backups).containsExactly("cronjob.yaml", "indexed-job.yaml");
    }

    @Test
    void podsAreLockedDown() throws IOException {
        for (String file : List.of("cronjob.yaml", "indexed-job.yaml", "audit-cronjob.yaml", "drill-cronjob.yaml")) {
            Map<String, Object> workload = load(file);
            Map<String, Object> pod = podSpec(workload);
            assertThat((String) at(pod, "restartPolicy")).as(file).isEqualTo("Never");
            assertThat((Boolean) at(pod, "securityContext.runAsNonRoot")).as(file).isTrue();
            assertThat((Integer) at(pod, "securityContext.runAsUser")).as(file).isEqualTo(10001);
            assertThat((String) at(pod, "securityContext.seccompProfile.type")).as(file).isEqualTo("RuntimeDefault");

            List<Map<String, Object>> containers = at(pod, "containers");
            assertThat(containers).as(file).hasSize(1);
            Map<String, Object> c = containers.get(0);
            assertThat((Boolean) at(c, "securityContext.readOnlyRootFilesystem")).as(file).isTrue();
            assertThat((Boolean) at(c, "securityContext.allowPrivilegeEscalation")).as(file).isFalse();
            assertThat((List<String>) at(c, "securityContext.capabilities.drop")).as(file).containsExactly("ALL");
            assertThat((String) at(c, "resources.limits.memory")).as(file).isNotBlank();
            assertThat((String) at(c, "resources.requests.cpu")).as(file).isNotBlank();

            List<String> args = at(c, "args");
            String verb = file.startsWith("audit") ? "verify" : file.startsWith("drill") ? "drill" : "backup";
            assertThat(args).as(file).containsSubsequence(verb, "--all").doesNotContain("--shard");
            assertThat(args.indexOf("--log-format")).as(file + ": a root option comes before the command").isLessThan(args.indexOf(verb));

            // /tmp is an emptyDir (read-only root), /config the ConfigMap, the Secret as 0400 files
            Map<String, String> mounts = ((List<Map<String, Object>>) at(c, "volumeMounts")).stream()
                    .collect(Collectors.toMap(m -> (String) m.get("mountPath"), m -> (String) m.get("name")));
            assertThat(mounts).containsOnlyKeys("/tmp", "/config", SECRETS_MOUNT);
            Map<String, Map<String, Object>> volumes = ((List<Map<String, Object>>) at(pod, "volumes")).stream()
                    .collect(Collectors.toMap(v -> (String) v.get("name"), v -> v));
            assertThat(volumes.get(mounts.get("/tmp"))).as(file).containsKey("emptyDir");
            assertThat((String) at(volumes.get(mounts.get("/config")), "configMap.name")).isEqualTo(at(load("configmap.yaml"), "metadata.name"));
            Map<String, Object> secret = volumes.get(mounts.get(SECRETS_MOUNT));
            assertThat((String) at(secret, "secret.secretName")).isEqualTo(at(load("secret.yaml"), "metadata.name"));
            // 0400 in YAML 1.1 (Kubernetes) is octal; the YAML 1.2 parser here reads the digits as decimal
            assertThat(Integer.parseInt(String.valueOf((Object) at(secret, "secret.defaultMode")), 8)).isEqualTo(0400);
        }
    }

    /**
     * README (Signals): after SIGTERM a run needs up to 1 s + 5 s to abort its uploads, then a notification may take
     * twice its notifier's {@code timeout} (30 s by default for mail and webhooks) before it is given up: a grace period of
     * 60 s let the kubelet kill the run in the middle of its interruption mail (exit 137, no summary).
     */
    @Test
    void theGracePeriodOutlastsTheCleanupAndOneInterruptionNotification() throws IOException {
        int defaultNotifierTimeout = 30;
        for (String file : List.of("cronjob.yaml", "indexed-job.yaml", "audit-cronjob.yaml", "drill-cronjob.yaml")) {
            int grace = at(podSpec(load(file)), "terminationGracePeriodSeconds");
            assertThat(grace).as(file).isGreaterThan(1 + 5 + 2 * defaultNotifierTimeout);
        }
    }

    @Test
    void theIndexedJobGivesEachPodItsShard() throws IOException {
        Map<String, Object> job = load("indexed-job.yaml");
        assertThat((String) at(job, "spec.completionMode")).isEqualTo("Indexed");
        int completions = at(job, "spec.completions");
        assertThat((Integer) at(job, "spec.parallelism")).isEqualTo(completions);
        Map<String, Object> c = ((List<Map<String, Object>>) at(podSpec(job), "containers")).get(0);
        Map<String, Object> env = ((List<Map<String, Object>>) at(c, "env")).stream()
                .collect(Collectors.toMap(e -> (String) e.get("name"), e -> e.get("value")));
        assertThat(env).containsEntry(Sharding.COUNT_ENV, String.valueOf(completions)).doesNotContainKey(Sharding.INDEX_ENV);

        // with the example config, every pod has work and every job has exactly one pod
        Map<String, Object> config = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(configText());
        Set<String> jobs = new TreeSet<>(((Map<String, Object>) at(config, "jobs")).keySet());
        assertThat(jobs).hasSizeGreaterThan(completions);
        List<List<String>> shards = IntStream.range(0, completions)
                .mapToObj(i -> Sharding.select(List.copyOf(jobs), s -> s, new Sharding.Shard(i, completions))).toList();
        assertThat(shards).allSatisfy(s -> assertThat(s).isNotEmpty());
        assertThat(shards.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(jobs);
    }

    private static String configText() throws IOException {
        Map<String, Object> data = at(load("configmap.yaml"), "data");
        assertThat(data).containsOnlyKeys("config.yaml");
        return (String) data.get("config.yaml");
    }

    @Test
    void theConfigMapsConfigValidatesWithTheSecretsItNames() throws IOException {
        String config = configText();
        assertThat(config).doesNotContainPattern("(?m)^\\s*\\w*(password|secret_key|access_key|passphrase):");

        // the Secret's keys become files in a folder standing in for /run/secrets/dbbackup
        Map<String, Object> stringData = at(load("secret.yaml"), "stringData");
        Path secrets = Files.createDirectory(tmp.resolve("secrets"));
        for (var e : stringData.entrySet()) {
            Path f = Files.writeString(secrets.resolve(e.getKey()), (String) e.getValue());
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
        }
        // every *_file of the config is a key of the Secret
        Matcher m = Pattern.compile("_file:\\s*(\\S+)").matcher(config);
        int files = 0;
        while (m.find()) {
            files++;
            assertThat(m.group(1)).startsWith(SECRETS_MOUNT + "/");
            assertThat(stringData).containsKey(m.group(1).substring(SECRETS_MOUNT.length() + 1));
        }
        assertThat(files).isGreaterThan(0);

        Path file = tmp.resolve("config.yaml");
        Files.writeString(file, config.replace(SECRETS_MOUNT + "/", secrets + "/"));
        Cli.Result r = new Cli().workingDir(tmp).run("-c", file.toString(), "config", "validate");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).doesNotContain("warning", "error");
    }
}
