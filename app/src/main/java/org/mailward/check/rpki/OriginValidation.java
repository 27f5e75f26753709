package org.mailward.check.rpki;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** RFC 6811 section 2 route origin validation over a VRP set, and its application to an address's announcements. */
public final class OriginValidation {

    /** RFC 6811 2: the validation state of a route. */
    public enum State { VALID, INVALID, NOT_FOUND }

    /** The state of one announcement, with the VRPs that cover it (the evidence). */
    public record Result(Routes.Route route, State state, List<Vrps.Vrp> covering) {
        public Result {
            covering = List.copyOf(covering);
        }
    }

    private final Vrps vrps;
    private final Routes routes;

    public OriginValidation(Vrps vrps, Routes routes) {
        this.vrps = vrps;
        this.routes = routes;
    }

    /**
     * RFC 6811 2: NotFound when no VRP covers the route prefix; Valid when a covering VRP has the route's origin AS
     * and a maximum length at least the route's length (an AS0 VRP never matches: no route has origin AS 0); Invalid
     * otherwise.
     */
    public Result validate(Routes.Route route) {
        List<Vrps.Vrp> covering = new ArrayList<>();
        boolean matched = false;
        for (Vrps.Vrp v : vrps.entries()) {
            if (v.prefix().covers(route.prefix())) {
                covering.add(v);
                if (v.asn() != 0 && v.asn() == route.origin() && route.prefix().length() <= v.maxLength()) {
                    matched = true;
                }
            }
        }
        State s = covering.isEmpty() ? State.NOT_FOUND : matched ? State.VALID : State.INVALID;
        return new Result(route, s, covering);
    }

    /** The validation of every most-specific announcement covering the address (empty: no route data for it). */
    public List<Result> validate(InetAddress address) {
        return routes.covering(address).stream().map(this::validate).toList();
    }
}
