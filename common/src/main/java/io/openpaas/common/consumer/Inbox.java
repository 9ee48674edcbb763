package io.openpaas.common.consumer;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Event ids a consumer has applied, written in the same transaction as the effect. */
@ApplicationScoped
public class Inbox {

    /** Records the id and answers true, or answers false when this consumer has seen it before. */
    public Uni<Boolean> claim(String consumer, String eventId) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("insert into inbox_events (consumer, event_id) values (:consumer, :id) on conflict do nothing")
                .setParameter("consumer", consumer)
                .setParameter("id", eventId)
                .executeUpdate())
                .map(rows -> rows == 1);
    }

    /** Records the ids a consumer has not seen yet and answers them (one statement for a batch). */
    public Uni<java.util.Set<String>> claimAll(String consumer, java.util.List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(java.util.Set.of());
        }
        StringBuilder sql = new StringBuilder("insert into inbox_events (consumer, event_id) values ");
        for (int i = 0; i < eventIds.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:consumer, :id").append(i).append(')');
        }
        sql.append(" on conflict do nothing returning event_id");
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql.toString(), String.class).setParameter("consumer", consumer);
            for (int i = 0; i < eventIds.size(); i++) {
                query.setParameter("id" + i, eventIds.get(i));
            }
            return query.getResultList();
        }).map(rows -> (java.util.Set<String>) new java.util.HashSet<>(rows));
    }
}
