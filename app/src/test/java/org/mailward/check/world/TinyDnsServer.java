package org.mailward.check.world;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.Zone;

/**
 * A minimal authoritative DNS server for the checker tests: one zone (master-file text, with SOA and NS at the
 * origin) answered over UDP and TCP on a loopback address with dnsjava's {@link Zone}. Answers carry AA; NXDOMAIN and
 * NODATA carry the SOA. No recursion, no DNSSEC, no truncation logic beyond what dnsjava does.
 */
public final class TinyDnsServer implements AutoCloseable {

    private final Zone zone;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    public TinyDnsServer(InetAddress address, int port, String origin, String zoneText) throws IOException {
        Name o = Name.fromString(origin.endsWith(".") ? origin : origin + ".");
        try (Master m = new Master(new ByteArrayInputStream(zoneText.getBytes(StandardCharsets.UTF_8)), o)) {
            java.util.List<Record> records = new java.util.ArrayList<>();
            Record r;
            while ((r = m.nextRecord()) != null) {
                records.add(r);
            }
            zone = new Zone(o, records.toArray(new Record[0]));
        }
        udp = new DatagramSocket(new InetSocketAddress(address, port));
        tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress(address, port));
        threads.submit(this::serveUdp);
        threads.submit(this::serveTcp);
    }

    private void serveUdp() {
        byte[] buf = new byte[4096];
        while (!udp.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                byte[] out = answer(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                if (out != null) {
                    udp.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                // closed, or a bad packet: keep serving until closed
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket s = tcp.accept();
                threads.submit(() -> {
                    try (s) {
                        s.setSoTimeout(5000);
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        byte[] q = new byte[in.readUnsignedShort()];
                        in.readFully(q);
                        byte[] out = answer(q);
                        if (out != null) {
                            DataOutputStream o = new DataOutputStream(s.getOutputStream());
                            o.writeShort(out.length);
                            o.write(out);
                            o.flush();
                        }
                    } catch (IOException e) {
                        // client went away
                    }
                });
            } catch (IOException e) {
                // closed
            }
        }
    }

    private byte[] answer(byte[] query) {
        Message q;
        try {
            q = new Message(query);
        } catch (IOException e) {
            return null;
        }
        Record question = q.getQuestion();
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        if (q.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        if (question == null) {
            r.getHeader().setRcode(Rcode.FORMERR);
            return r.toWire();
        }
        r.addRecord(question, Section.QUESTION);
        if (!question.getName().subdomain(zone.getOrigin())) {
            r.getHeader().unsetFlag(Flags.AA);
            r.getHeader().setRcode(Rcode.REFUSED);
            return r.toWire();
        }
        SetResponse sr = zone.findRecords(question.getName(), question.getType());
        if (sr.isSuccessful()) {
            for (RRset set : sr.answers()) {
                set.rrs().forEach(x -> r.addRecord(x, Section.ANSWER));
            }
        } else if (sr.isCNAME()) {
            r.addRecord(sr.getCNAME(), Section.ANSWER);
        } else {
            if (sr.isNXDOMAIN()) {
                r.getHeader().setRcode(Rcode.NXDOMAIN);
            }
            zone.getSOA();
            r.addRecord(zone.getSOA(), Section.AUTHORITY);
        }
        return r.toWire(512);
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
        threads.shutdownNow();
    }
}
