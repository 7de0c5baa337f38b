package io.bpf4j.runtime.maps;

/** Creates maps with the {@link MapFactory#defaults() default factory}. */
public final class Maps {
    private Maps() {}

    /**
     * Creates a map with as many CPU slots as processors and a 1 GiB cap per map.
     *
     * @see MapFactory#create(MapDefinition)
     */
    public static BpfMap create(MapDefinition definition) {
        return MapFactory.defaults().create(definition);
    }
}
