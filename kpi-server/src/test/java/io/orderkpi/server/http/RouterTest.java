package io.orderkpi.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RouterTest {

    private static final Handler NONE = request -> Response.ok("x");

    @Test
    void literalSegmentsWinOverParameters() {
        Router router = new Router().get("/orders/{id}", NONE).get("/orders/stuck", NONE);

        Router.Match match = router.match("GET", "/orders/stuck");

        assertThat(match).isInstanceOfSatisfying(Router.Found.class,
                found -> assertThat(found.route().template()).isEqualTo("/orders/stuck"));
    }

    @Test
    void parametersArePercentDecoded() {
        Router router = new Router().get("/customers/{customer_id}/rank", NONE);

        Router.Match match = router.match("GET", "/customers/a%20b+c%C3%A9/rank");

        assertThat(match).isInstanceOfSatisfying(Router.Found.class,
                found -> assertThat(found.params()).containsEntry("customer_id", "a b+cé"));
    }

    @Test
    void unknownPathsAndWrongMethodsAreTold() {
        Router router = new Router().get("/a/{x}", NONE).delete("/a/{x}", NONE);

        assertThat(router.match("GET", "/b")).isInstanceOf(Router.NotFound.class);
        assertThat(router.match("POST", "/a/1")).isEqualTo(new Router.MethodNotAllowed(java.util.List.of("DELETE", "GET", "HEAD")));
    }

    @Test
    void aRouteCannotBeRegisteredTwice() {
        Router router = new Router().get("/a", NONE);

        assertThatThrownBy(() -> router.get("/a", NONE)).isInstanceOf(IllegalStateException.class);
    }
}
