package io.bpf4j.runtime;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** An immutable set of helpers keyed by id. Build one with {@link #builder()}. */
public final class HelperRegistry {
    private final Map<Integer, Helper> byId;

    private HelperRegistry(Map<Integer, Helper> byId) {
        this.byId = Collections.unmodifiableMap(new TreeMap<>(byId));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The helpers every runtime has unless told otherwise: {@link StandardHelpers}. */
    public static HelperRegistry standard() {
        return StandardHelpers.registerAll(builder()).build();
    }

    public Optional<Helper> find(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<Helper> all() {
        return byId.values();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.helpers.putAll(byId);
        return b;
    }

    public static final class Builder {
        private final Map<Integer, Helper> helpers = new TreeMap<>();

        private Builder() {}

        /** Adds or replaces the helper with this id. */
        public Builder register(Helper helper) {
            helpers.put(helper.id(), helper);
            return this;
        }

        public Builder register(int id, String name, HelperFunction function) {
            return register(new Helper(id, name, function));
        }

        /** Adds or replaces the helper with this id, with the prototype a verifier checks calls against. */
        public Builder register(int id, String name, HelperPrototype prototype, HelperFunction function) {
            return register(new Helper(id, name, function, prototype));
        }

        public HelperRegistry build() {
            return new HelperRegistry(helpers);
        }
    }
}
