package io.dbbackup.store.azure;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** One page of List Blobs, or a Get Block List answer, read from the service's XML. */
final class BlobListing {
    /** A blob of a listing page: its full name, size and last modification. */
    record Blob(String name, long size, Instant lastModified) {
    }

    /**
     * One page: the blobs on it, and the marker of the next page (null on the last). The service always sends the
     * {@code NextMarker} element, empty on the last page ("When the NextMarker element is empty, the listing is
     * complete"); a page without it is not a whole List Blobs answer, and {@link #page} refuses it.
     */
    record Page(List<Blob> blobs, String nextMarker) {
    }

    /** A staged block: its id (as sent, base64) and size. */
    record Block(String id, long size) {
    }

    private BlobListing() {
    }

    static Page page(byte[] xml) throws IOException {
        Document doc = parse(xml);
        List<Blob> blobs = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagName("Blob");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element blob = (Element) nodes.item(i);
            Element props = child(blob, "Properties");
            String length = props == null ? null : text(props, "Content-Length");
            String modified = props == null ? null : text(props, "Last-Modified");
            blobs.add(new Blob(text(blob, "Name"), length == null || length.isEmpty() ? 0 : Long.parseLong(length),
                    modified == null ? Instant.EPOCH : ZonedDateTime.parse(modified, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant()));
        }
        Element root = doc.getDocumentElement();
        if (!root.getTagName().equals("EnumerationResults")) {
            throw new IOException("the answer is not a List Blobs page (its XML is <" + root.getTagName() + ">)");
        }
        String next = text(root, "NextMarker");
        if (next == null) {
            // the service sends <NextMarker/> on the last page: without it nothing says there is no next page
            throw new IOException("the answer has no NextMarker element, so nothing says whether more pages follow");
        }
        return new Page(blobs, next == null || next.isEmpty() ? null : next);
    }

    /** The blocks of {@code <UncommittedBlocks>} (or of the committed list) in a Get Block List answer. */
    static List<Block> blocks(byte[] xml, String listElement) throws IOException {
        Element list = child(parse(xml).getDocumentElement(), listElement);
        List<Block> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (Node n = list.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element block && block.getTagName().equals("Block")) {
                out.add(new Block(text(block, "Name"), Long.parseLong(text(block, "Size"))));
            }
        }
        return out;
    }

    private static Document parse(byte[] xml) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException | SAXException | RuntimeException e) {
            throw new IOException("the Blob service's answer is not the XML expected: " + e.getMessage(), e);
        }
    }

    /** The direct child element {@code name} of {@code parent}, or null. */
    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent();
    }
}
