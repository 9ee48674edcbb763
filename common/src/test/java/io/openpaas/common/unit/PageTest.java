package io.openpaas.common.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.openpaas.common.api.Cursors;
import io.openpaas.common.api.Page;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PageTest {

    private record Row(int n, UUID id) {
    }

    private static List<Row> rows(int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> new Row(i, UUID.nameUUIDFromBytes(("row" + i).getBytes())))
                .toList();
    }

    @Test
    void limitPlusOneRowsShowLimitRowsAndTheCursorOfTheLastShown() {
        List<Row> fetched = rows(6);
        Page<String> page = Page.of(fetched, 5, r -> "item" + r.n(), r -> "key" + r.n());

        assertEquals(List.of("item1", "item2", "item3", "item4", "item5"), page.items());
        // the key of row 5 (the last shown), not of row 6 (the look-ahead row)
        assertEquals(Cursors.encode("key5"), page.nextCursor());
        assertEquals("key5", Cursors.decode(page.nextCursor()));
    }

    @Test
    void cursorCarriesANonStringKey() {
        List<Row> fetched = rows(4);
        Page<Integer> page = Page.of(fetched, 3, Row::n, Row::id);

        assertEquals(List.of(1, 2, 3), page.items());
        assertEquals(fetched.get(2).id(), Cursors.decodeUuid(page.nextCursor()));
    }

    @Test
    void exactlyLimitRowsIsTheLastPage() {
        Page<String> page = Page.of(rows(5), 5, r -> "item" + r.n(), r -> "key" + r.n());

        assertEquals(List.of("item1", "item2", "item3", "item4", "item5"), page.items());
        assertNull(page.nextCursor());
    }

    @Test
    void fewerRowsThanLimitIsTheLastPage() {
        Page<Integer> page = Page.of(rows(2), 5, Row::n, Row::id);

        assertEquals(List.of(1, 2), page.items());
        assertNull(page.nextCursor());
    }

    @Test
    void noRowsIsAnEmptyLastPage() {
        Page<Integer> page = Page.of(List.<Row>of(), 5, Row::n, Row::id);

        assertTrue(page.items().isEmpty());
        assertNull(page.nextCursor());
    }

    @Test
    void limitOfOneWithALookAheadRow() {
        Page<Integer> page = Page.of(rows(2), 1, Row::n, r -> r.n() * 10L);

        assertEquals(List.of(1), page.items());
        assertEquals(10L, Cursors.decodeLong(page.nextCursor()));
    }
}
