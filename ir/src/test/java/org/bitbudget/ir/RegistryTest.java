package org.bitbudget.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Registry}: registration order, lookup ignoring case, the one wording of an unknown name. */
class RegistryTest {
    private record Shape(String name, String description, int sides) implements Registry.Entry {}

    private static final Shape TRIANGLE = new Shape("triangle", "three sides", 3);
    private static final Shape SQUARE = new Shape("square", "four equal sides", 4);

    @Test
    void keepsRegistrationOrderAndFindsNamesIgnoringCase() {
        Registry<Shape> r = Registry.of("shape", List.of(TRIANGLE, SQUARE));
        assertEquals(List.of("triangle", "square"), r.names());
        assertEquals(List.of(TRIANGLE, SQUARE), r.entries());
        assertSame(SQUARE, r.get("square"));
        assertSame(SQUARE, r.get(" Square "));
        assertTrue(r.contains("TRIANGLE"));
        assertFalse(r.contains("circle"));
        assertEquals("shape", r.kind());
    }

    @Test
    void anUnknownNameNamesTheKindAndEveryKnownName() {
        Registry<Shape> r = Registry.of("shape", List.of(TRIANGLE, SQUARE));
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> r.get("Circle"));
        assertEquals("shape 'Circle' is not one of triangle, square", e.getMessage());
        assertEquals("'Circle' is not one of triangle, square", e.reason());
        assertEquals("shape", e.kind());
        assertEquals("Circle", e.name());
        assertEquals(List.of("triangle", "square"), e.known());
    }

    @Test
    void rejectsDuplicateNamesUpperCaseNamesAndMissingDescriptions() {
        IllegalArgumentException twice = assertThrows(
                IllegalArgumentException.class,
                () -> Registry.of("shape", List.of(TRIANGLE, new Shape("triangle", "again", 3))));
        assertEquals("shape 'triangle' is registered twice", twice.getMessage());
        IllegalArgumentException upper = assertThrows(
                IllegalArgumentException.class,
                () -> Registry.of("shape", List.of(new Shape("Square", "four sides", 4))));
        assertEquals("shape 'Square': names are lower case, without spaces", upper.getMessage());
        IllegalArgumentException blank = assertThrows(
                IllegalArgumentException.class, () -> Registry.of("shape", List.of(new Shape("square", " ", 4))));
        assertEquals("shape 'square' has no description", blank.getMessage());
    }

    @Test
    void isImmutable() {
        Registry<Shape> r = Registry.of("shape", List.of(TRIANGLE));
        assertThrows(UnsupportedOperationException.class, () -> r.entries().add(SQUARE));
        assertThrows(UnsupportedOperationException.class, () -> r.names().add("square"));
    }
}
