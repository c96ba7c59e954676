package io.dbbackup.store.s3;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3's rarer naming rules: prefixes and suffixes it keeps for itself (punycode, its own buckets, its documentation's
 * examples, access point and Object Lambda aliases, Multi-Region Access Points, directory buckets). Such names passed as
 * valid; AWS refuses to create such a bucket, so a config naming one has a typo or names something else than a bucket.
 */
class S3BucketNameTest {
    @Test
    void namesWithAPrefixOrSuffixThatS3KeepsForItselfAreNotValid() {
        for (String[] c : new String[][]{
                {"xn--backups", "it begins with 'xn--', which S3 keeps for itself (punycode)"},
                {"sthree-backups", "it begins with 'sthree-', which S3 keeps for itself"},
                {"sthree-configurator", "it begins with 'sthree-', which S3 keeps for itself"},
                {"amzn-s3-demo-backups", "it begins with 'amzn-s3-demo-', which S3 keeps for its documentation's examples"},
                {"backups-s3alias", "it ends with '-s3alias', which S3 keeps for access point aliases"},
                {"backups--ol-s3", "it ends with '--ol-s3', which S3 keeps for Object Lambda Access Point aliases"},
                {"backups.mrap", "it ends with '.mrap', which S3 keeps for Multi-Region Access Points"},
                {"backups--use1-az4--x-s3", "it ends with '--x-s3', which S3 keeps for directory buckets (S3 Express One Zone)"}}) {
            assertThat(S3BucketName.problem(c[0])).as(c[0]).contains(c[1]);
            assertThat(S3BucketName.note(c[0])).as(c[0]).isEqualTo(" (not a valid S3 bucket name: " + c[1] + ")");
        }
    }

    @Test
    void theReservedWordsInsideANameAreFine() {
        for (String valid : new String[]{"backups-xn--a", "my-sthree-backups", "s3alias-backups", "backups-ol-s3", "mrap.backups",
                "backups-x-s3", "amzn-s3-backups", "backups.mrap2"}) {
            assertThat(S3BucketName.problem(valid)).as(valid).isEmpty();
        }
    }
}
