package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.proto.flannel.FlannelUdp;
import io.tunnelscope.proto.geneve.Geneve;
import io.tunnelscope.proto.vxlan.Vxlan;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressesAndDecodeAsTest {

    @ParameterizedTest
    @CsvSource({
        "20010db8000000000000000000000001, 2001:db8::1",
        "00000000000000000000000000000000, ::",
        "00000000000000000000000000000001, ::1",
        "20010db8000000010000000000000001, 2001:db8:0:1::1",
        "20010db8000000000001000000000001, 2001:db8::1:0:0:1",
        "20010db8000100000000000100000000, 2001:db8:1::1:0:0",
        "20010db8000100010001000100010001, 2001:db8:1:1:1:1:1:1",
        "20010db8000000010001000100010001, 2001:db8:0:1:1:1:1:1",
        "fe800000000000000000000000000000, fe80::",
        "00000000000000000000ffffc0a80001, ::ffff:192.168.0.1",
        "000000000000000000000000c0a80001, ::192.168.0.1",
        "2604138040910ce0000000000000000d, 2604:1380:4091:ce0::d",
    })
    void ipv6Rfc5952(String hex, String expected) {
        StringBuilder sb = new StringBuilder("x");
        Addresses.appendIpv6(sb, ByteBuffer.wrap(HexFormat.of().parseHex(hex)), 0);
        assertEquals("x" + expected, sb.toString());
    }

    @Test
    void ipv4AndMac() {
        StringBuilder sb = new StringBuilder();
        Addresses.appendIpv4(sb, 0xc0a8cb01).append(' ');
        Addresses.appendMac(sb, ByteBuffer.wrap(HexFormat.of().parseHex("0000ff163e0871cf")), 2);
        assertEquals("192.168.203.1 ff:16:3e:08:71:cf", sb.toString());
    }

    @Test
    void decodeAsParses() {
        assertEquals(new DecodeAs(8472, Vxlan.DESCRIPTOR), DecodeAs.parse("udp.port=8472:vxlan"));
        assertEquals(new DecodeAs(9000, FlannelUdp.DESCRIPTOR), DecodeAs.parse(" udp.port=9000:Flannel-UDP "));
        assertEquals(Geneve.DESCRIPTOR, DecodeAs.parse("udp.port=6082:geneve").protocol());
        assertEquals("udp.port=1:none", DecodeAs.parse("udp.port=1:none").toString());
        DecodeTables t = DecodeTables.builder().decodeAs(DecodeAs.parse("udp.port=4789:none")).build();
        assertEquals(DecodeAs.NONE, t.udpProtocol(4789));
        assertEquals(Vxlan.DESCRIPTOR, DecodeTables.defaults().udpProtocol(4789));
        assertEquals(FlannelUdp.DESCRIPTOR, DecodeTables.defaults().udpProtocol(8285));
        assertEquals(null, DecodeTables.defaults().udpProtocol(53));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tcp.port=80:vxlan | only udp.port",
        "udp.port=80 | missing ':dissector'",
        "udp.port=eighty:vxlan | is not a number",
        "udp.port=70000:vxlan | out of range",
        "udp.port=80:wireguard | unknown dissector 'wireguard'",
    })
    void decodeAsRejects(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecodeAs.parse(spec));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().contains(String.join("|", DecodeAs.choices())) || message.contains("range"), e.getMessage());
    }
}
