package io.dbbackup.store.s3;

import io.dbbackup.core.Log;
import io.dbbackup.spi.Cancellation;
import io.dbbackup.spi.OperationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;

import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A store used after it was closed (a job's thread still running when the command returned and closed the stores):
 * every operation is refused with "store X is closed" and sends nothing. It made a new SDK client before, whose
 * connections nobody closed.
 */
class S3StoreClosedTest {
    @TempDir
    Path dir;

    @Test
    void aClosedStoreRefusesEveryOperationAndSendsNothing() throws Exception {
        try (FakeS3Server server = new FakeS3Server(exchange -> FakeS3Server.answerXml(exchange, 200,
                "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>"))) {
            S3Store store = server.store();
            OperationContext ctx = new OperationContext(new Cancellation(), new Log(new PrintWriter(new StringWriter()),
                    Log.Format.TEXT, Log.Level.INFO, Clock.systemUTC()), dir);
            assertThat(store.list("job/")).isEmpty();
            int before = server.requests();
            store.close();
            List<Callable<?>> operations = List.of(() -> store.stat("job/a.dump"), () -> store.list("job/"),
                    () -> store.listFolder("job/"), () -> store.listUnfinished("job/"), () -> store.open("job/a.dump"),
                    () -> {
                        store.delete("job/a.dump");
                        return null;
                    }, () -> {
                        store.put("job/b.dump", new byte[] {1, 2, 3}, ctx);
                        return null;
                    });
            for (Callable<?> op : operations) {
                Throwable t = catchThrowable(op::call);
                assertThat(t).isNotNull();
                assertThat(t.getMessage()).contains("store " + store.describe() + " is closed");
            }
            assertThat(server.requests()).as("requests after close").isEqualTo(before);
        }
    }
}
