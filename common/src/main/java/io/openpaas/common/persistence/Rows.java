package io.openpaas.common.persistence;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;

/** Small readings of reactive query results. */
public final class Rows {

    private Rows() {
    }

    /** The first column of every row, as text (ids selected with {@code cast(id as text)}). */
    public static List<String> firstColumn(RowSet<Row> rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.getString(0)));
        return out;
    }
}
