package org.mailward.check;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Checks a BIMI logo against the SVG Tiny Portable/Secure profile that BIMI requires (the "SVG Tiny PS" profile
 * referenced by draft-brand-indicators-for-message-identification): root {@code <svg>} in the SVG namespace with
 * {@code version="1.2"} and {@code baseProfile="tiny-ps"}, a {@code <title>}, no {@code x}/{@code y} on the root, no
 * scripts, event handlers, animation, {@code <foreignObject>} or raster {@code <image>}, no reference outside the
 * document ({@code href} other than {@code #fragment}), a square view box, at most 32 KiB.
 *
 * <p>Safe parsing: StAX with DTDs and external entities disabled (a DOCTYPE is itself a problem, and is never
 * loaded), and bounds on element count and depth. Malformed XML is reported as a problem, never thrown.
 */
public final class BimiSvg {

    public static final String SVG_NS = "http://www.w3.org/2000/svg";
    public static final int MAX_BYTES = 32 * 1024;
    private static final int MAX_ELEMENTS = 20_000;
    private static final int MAX_DEPTH = 64;
    private static final List<String> FORBIDDEN = List.of("script", "foreignobject", "image", "animate", "animatemotion",
            "animatecolor", "animatetransform", "set", "video", "audio", "iframe", "handler", "listener");

    private BimiSvg() {
    }

    /** The profile violations of the document (empty when it conforms as far as checked). */
    public static List<String> problems(byte[] svg) {
        List<String> out = new ArrayList<>();
        if (svg.length > MAX_BYTES) {
            out.add("the file is " + svg.length + " bytes; SVG Tiny PS logos for BIMI must be at most " + MAX_BYTES);
        }
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        boolean title = false;
        boolean root = true;
        int depth = 0;
        int elements = 0;
        XMLStreamReader r = null;
        try {
            r = f.createXMLStreamReader(new ByteArrayInputStream(svg));
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.DTD) {
                    out.add("the document has a DOCTYPE (DTDs and entities are not allowed in SVG Tiny PS)");
                } else if (ev == XMLStreamConstants.ENTITY_REFERENCE) {
                    out.add("the document uses an entity reference (&" + r.getLocalName() + ";)");
                } else if (ev == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    if (++elements > MAX_ELEMENTS || depth > MAX_DEPTH) {
                        out.add("the document is too large or too deeply nested to be a logo (over " + MAX_ELEMENTS + " elements or "
                                + MAX_DEPTH + " levels)");
                        return out;
                    }
                    String name = r.getLocalName().toLowerCase(Locale.ROOT);
                    if (root) {
                        root = false;
                        rootProblems(r, out);
                    }
                    if (name.equals("title") && depth == 2) {
                        title = true;
                    }
                    if (FORBIDDEN.contains(name)) {
                        out.add("<" + r.getLocalName() + "> is not allowed (no scripts, animation, embedded or raster content)");
                    }
                    for (int i = 0; i < r.getAttributeCount(); i++) {
                        String an = r.getAttributeLocalName(i).toLowerCase(Locale.ROOT);
                        String av = r.getAttributeValue(i).strip();
                        if (an.startsWith("on")) {
                            out.add("event handler attribute " + r.getAttributeLocalName(i) + " on <" + r.getLocalName() + ">");
                        } else if (an.equals("href") && !av.startsWith("#")) {
                            out.add("external reference " + MtaStsChecks.clip(av) + " on <" + r.getLocalName() + ">");
                        } else if (an.equals("style") && av.toLowerCase(Locale.ROOT).contains("url(") && !av.replace(" ", "").contains("url(#")) {
                            out.add("external reference in a style attribute on <" + r.getLocalName() + ">");
                        }
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            out.add("not well-formed XML: " + MtaStsChecks.clip(String.valueOf(e.getMessage()).replace('\n', ' ')));
            return out;
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing to release beyond the in-memory input
                }
            }
        }
        if (root) {
            out.add("no root element");
        } else if (!title) {
            out.add("no <title> child of the root element (SVG Tiny PS requires one)");
        }
        return out;
    }

    private static void rootProblems(XMLStreamReader r, List<String> out) {
        if (!r.getLocalName().equals("svg") || !SVG_NS.equals(r.getNamespaceURI())) {
            out.add("the root element is <" + r.getLocalName() + "> in namespace " + r.getNamespaceURI() + ", not <svg> in " + SVG_NS);
            return;
        }
        String base = attr(r, "baseProfile").orElse("");
        if (!base.equals("tiny-ps")) {
            out.add("baseProfile is '" + MtaStsChecks.clip(base) + "', not tiny-ps");
        }
        String version = attr(r, "version").orElse("");
        if (!version.equals("1.2")) {
            out.add("version is '" + MtaStsChecks.clip(version) + "', not 1.2");
        }
        if (attr(r, "x").isPresent() || attr(r, "y").isPresent()) {
            out.add("the root <svg> has x or y attributes");
        }
        Optional<String> viewBox = attr(r, "viewBox");
        double[] box = viewBox.map(BimiSvg::numbers).orElse(null);
        if (box != null && box.length == 4) {
            if (Math.abs(box[2] - box[3]) > 1e-9 || box[2] <= 0) {
                out.add("the view box is " + fmt(box[2]) + " x " + fmt(box[3]) + ", not square");
            }
        } else {
            double[] w = attr(r, "width").map(BimiSvg::numbers).orElse(new double[0]);
            double[] h = attr(r, "height").map(BimiSvg::numbers).orElse(new double[0]);
            if (w.length != 1 || h.length != 1) {
                out.add("no usable viewBox (and no numeric width and height): the logo cannot be shown as a square");
            } else if (Math.abs(w[0] - h[0]) > 1e-9) {
                out.add("width " + fmt(w[0]) + " and height " + fmt(h[0]) + " differ: not square");
            }
        }
    }

    private static Optional<String> attr(XMLStreamReader r, String name) {
        for (int i = 0; i < r.getAttributeCount(); i++) {
            String ns = r.getAttributeNamespace(i);
            if ((ns == null || ns.isEmpty()) && r.getAttributeLocalName(i).equals(name)) {
                return Optional.of(r.getAttributeValue(i).strip());
            }
        }
        return Optional.empty();
    }

    /** Numbers of a viewBox / length (separated by spaces or commas; a "px" unit is allowed); null when malformed. */
    private static double[] numbers(String s) {
        String[] parts = s.strip().split("[\\s,]+");
        double[] out = new double[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                out[i] = Double.parseDouble(parts[i].endsWith("px") ? parts[i].substring(0, parts[i].length() - 2) : parts[i]);
                if (!Double.isFinite(out[i])) {
                    return null;
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return out;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
