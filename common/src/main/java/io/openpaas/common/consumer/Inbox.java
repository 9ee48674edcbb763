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
}
