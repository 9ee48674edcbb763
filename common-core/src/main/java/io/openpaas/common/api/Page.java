package io.openpaas.common.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.function.Function;

/** One page of a list and the opaque cursor of the next page ({@code null} on the last page). */
public record Page<T>(List<T> items, @JsonProperty("next_cursor") String nextCursor) {

    /**
     * Builds a page from {@code limit + 1} fetched rows: the extra row only tells that there is
     * a next page, whose cursor is the key of the last row shown.
     */
    public static <R, T> Page<T> of(List<R> rows, int limit, Function<R, T> view, Function<R, Object> key) {
        boolean more = rows.size() > limit;
        List<R> shown = more ? rows.subList(0, limit) : rows;
        String next = more ? Cursors.encode(String.valueOf(key.apply(shown.get(shown.size() - 1)))) : null;
        return new Page<>(shown.stream().map(view).toList(), next);
    }
}
