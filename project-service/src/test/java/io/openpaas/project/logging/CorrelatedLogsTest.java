package io.openpaas.project.logging;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every line logged while a request is served carries its correlation id (docs/operations.md, Logs). */
@QuarkusTest
class CorrelatedLogsTest {

    private final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext && "log probe".equals(ext.getMessage())) {
                ext.copyMdc(); // the MDC as it was on the logging thread
                records.add(ext);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void aRequestsLogLinesCarryItsRequestId() {
        given().header("X-Request-Id", "corr-4711").get("/test/log-probe").then().statusCode(204);
        given().get("/test/log-probe").then().statusCode(204);
        assertEquals(2, records.size());
        assertEquals("corr-4711", records.get(0).getMdc("correlation_id"));
        String generated = records.get(1).getMdc("correlation_id");
        assertTrue(generated != null && generated.matches("[0-9a-f-]{36}"), "a request without an id gets a fresh one: " + generated);
    }
}
