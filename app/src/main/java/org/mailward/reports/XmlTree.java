package org.mailward.reports;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A small element tree read with StAX from untrusted bytes: local names, namespace URIs and trimmed text only.
 * DTDs are refused outright (no XXE, no entity expansion: "billion laughs"), and the depth and element count are
 * bounded. Aggregate reports are small enough (a 5,000-record report is a few MB) to hold as a tree, which lets the
 * parser accept the elements of an {@code xs:all} in any order.
 */
final class XmlTree {

    static final int MAX_DEPTH = 32;

    /** An element: local name, namespace ("" for none), trimmed text, children in document order. */
    record Element(String name, String namespace, String text, List<Element> children) {
        Optional<Element> child(String local) {
            for (Element c : children) {
                if (c.name.equals(local)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }

        List<Element> all(String local) {
            List<Element> out = new ArrayList<>();
            for (Element c : children) {
                if (c.name.equals(local)) {
                    out.add(c);
                }
            }
            return out;
        }

        String text(String local) {
            return child(local).map(Element::text).orElse("");
        }
    }

    private static final XMLInputFactory FACTORY = newFactory();

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    private XmlTree() {
    }

    /**
     * Parses bytes. The text is decoded here, not by the XML parser: the encoding comes from a UTF-16 byte order
     * mark or the XML declaration (default UTF-8); bytes that are not in that encoding (common with Latin-1 reports
     * declared as UTF-8) are read as windows-1252 with a warning in {@code warnings}.
     */
    static ParseOutcome<Element> parse(byte[] bytes, int maxElements, List<String> warnings) {
        String text = decode(bytes, warnings);
        // the declaration's encoding no longer applies to a decoded string
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Matcher decl = DECLARED_ENCODING.matcher(text);
        if (decl.lookingAt()) {
            text = decl.group(1) + text.substring(decl.end());
        }
        try {
            return read(FACTORY.createXMLStreamReader(new StringReader(text)), maxElements, warnings);
        } catch (XMLStreamException | RuntimeException e) {
            return ParseOutcome.rejected("malformed XML: " + message(e));
        }
    }

    private static String decode(byte[] b, List<String> warnings) {
        Charset cs = StandardCharsets.UTF_8;
        if (b.length >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff) {
            cs = StandardCharsets.UTF_16BE;
        } else if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe) {
            cs = StandardCharsets.UTF_16LE;
        } else {
            String head = new String(b, 0, Math.min(b.length, 200), StandardCharsets.ISO_8859_1);
            Matcher m = ENCODING.matcher(head);
            if (m.find()) {
                try {
                    cs = Charset.forName(m.group(1));
                } catch (IllegalArgumentException e) {
                    warnings.add("unknown encoding " + m.group(1) + " declared; read as UTF-8");
                }
            }
        }
        try {
            return cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            warnings.add("bytes are not in the declared encoding " + cs.name() + "; read as windows-1252");
            return new String(b, Charset.forName("windows-1252"));
        }
    }

    private static final Pattern DECLARED_ENCODING =
            Pattern.compile("\\s*(<\\?xml[^>]*?)\\s+encoding\\s*=\\s*[\"'][^\"']*[\"']");

    private static final Pattern ENCODING = Pattern.compile("^\\s*<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._-]{1,40})[\"']");

    private static ParseOutcome<Element> read(XMLStreamReader r, int maxElements, List<String> warnings)
            throws XMLStreamException {
        java.util.Set<String> padded = new java.util.TreeSet<>();
        Deque<Builder> stack = new ArrayDeque<>();
        Element root = null;
        int count = 0;
        try {
            while (r.hasNext()) {
                int ev = r.next();
                switch (ev) {
                    case XMLStreamConstants.DTD ->
                        throw new Refused("refused: XML document type declarations (DTD) are not allowed "
                                + "(protection against XXE and entity expansion)");
                    case XMLStreamConstants.ENTITY_REFERENCE ->
                        throw new Refused("refused: entity reference &" + r.getLocalName() + "; (no DTD entities allowed)");
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (root != null) {
                            throw new Refused("malformed XML: content after the root element");
                        }
                        if (++count > maxElements) {
                            throw new Refused("refused: more than " + maxElements + " XML elements");
                        }
                        if (stack.size() >= MAX_DEPTH) {
                            throw new Refused("refused: XML nested deeper than " + MAX_DEPTH + " elements");
                        }
                        String ns = r.getNamespaceURI();
                        stack.push(new Builder(r.getLocalName(), ns == null ? "" : ns));
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (!stack.isEmpty()) {
                            Builder b = stack.peek();
                            if (b.text.length() < 100_000) {
                                b.text.append(r.getText());
                            }
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        Builder b = stack.pop();
                        String raw = b.text.toString();
                        String text = raw.strip();
                        if (b.children.isEmpty() && !text.isEmpty() && text.length() != raw.length()) {
                            padded.add(b.name);
                        }
                        Element e = new Element(b.name, b.ns, text, List.copyOf(b.children));
                        if (stack.isEmpty()) {
                            root = e;
                        } else {
                            stack.peek().children.add(e);
                        }
                    }
                    default -> {
                        // comments, processing instructions: ignored
                    }
                }
            }
        } catch (Refused e) {
            return ParseOutcome.rejected(e.getMessage());
        } finally {
            r.close();
        }
        if (root == null) {
            return ParseOutcome.rejected("malformed XML: no root element");
        }
        if (!padded.isEmpty()) {
            warnings.add("whitespace around values (trimmed) in: " + String.join(", ", padded));
        }
        return ParseOutcome.ok(root);
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        // StAX messages start with "ParseError at [row,col]:[r,c]\nMessage: ...": keep them on one line.
        return m.replace('\n', ' ').replaceAll("\\s+", " ").trim();
    }

    private static final class Builder {
        final String name;
        final String ns;
        final StringBuilder text = new StringBuilder();
        final List<Element> children = new ArrayList<>();

        Builder(String name, String ns) {
            this.name = name;
            this.ns = ns;
        }
    }

    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
