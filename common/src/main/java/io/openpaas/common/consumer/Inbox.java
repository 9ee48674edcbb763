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

    /**
     * Records the ids a consumer has not seen yet and answers them: one statement whatever the
     * batch size, with the ids as one array parameter, so that the SQL text never changes and is
     * parsed and planned once rather than once per batch size.
     */
    public Uni<java.util.Set<String>> claimAll(String consumer, java.util.List<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(java.util.Set.of());
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("insert into inbox_events (consumer, event_id) select :consumer, unnest(cast(:ids as text[])) "
                        + "on conflict do nothing returning event_id", String.class)
                .setParameter("consumer", consumer)
                .setParameter("ids", eventIds.toArray(String[]::new))
                .getResultList())
                .map(rows -> (java.util.Set<String>) new java.util.HashSet<>(rows));
    }
}
