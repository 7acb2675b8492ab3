package io.orderkpi.mysql;

import io.orderkpi.core.lang.Nullable;
import io.orderkpi.core.spi.Page;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * A keyset page of one table, newest first: {@code key < :before}, optional equality filters (each
 * a column with an index that ends in the key), and one row past the page to tell whether another
 * page exists.
 */
final class PageQuery {

    private final String key;
    private final StringBuilder sql;
    private final Map<String, Object> values = new LinkedHashMap<>();

    /** @param select {@code SELECT … FROM table}, without a {@code WHERE} */
    PageQuery(String select, String key, long before) {
        this.key = key;
        this.sql = new StringBuilder(select).append(" WHERE ").append(key).append(" < :before");
        values.put("before", before);
    }

    /** Adds {@code column = value} unless the value is {@code null}. */
    PageQuery filter(String column, @Nullable Object value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = :").append(column);
            values.put(column, value instanceof Enum<?> wire ? Rows.wire(wire) : value);
        }
        return this;
    }

    /** Up to {@code limit + 1} rows, newest first. */
    <T> List<T> fetch(Handle handle, int limit, RowMapper<T> mapper) {
        return handle.createQuery(sql + " ORDER BY " + key + " DESC LIMIT :limit")
                .bindMap(values)
                .bind("limit", limit + 1)
                .map(mapper)
                .list();
    }

    /** The page of {@code rows} (as {@link #fetch} returned them) and the key of its last item when more follow. */
    static <T> Page<T> page(List<T> rows, int limit, ToLongFunction<T> keyOf) {
        boolean more = rows.size() > limit;
        List<T> page = more ? rows.subList(0, limit) : rows;
        return new Page<>(page, more ? OptionalLong.of(keyOf.applyAsLong(page.get(page.size() - 1)))
                : OptionalLong.empty());
    }
}
