"""A MAC-learning switch for os-ken, OpenFlow 1.3 only: the benchmark's peer app.

Behaves like the classic Ryu/os-ken ``simple_switch_13`` sample (Debian's python3-os-ken ships no
samples), written for this repository:

* on FEATURES_REPLY, install a priority-0 table-miss flow that sends whole packets to the controller;
* on PACKET_IN, remember ``eth_src -> in_port`` per datapath; if ``eth_dst`` is known, install a
  priority-1 flow matching ``in_port, eth_dst, eth_src`` that outputs to the known port (with the
  switch's buffer id when there is one), otherwise flood;
* send a PACKET_OUT for the packet unless the FLOW_MOD already released the buffered packet.

Run: /usr/bin/python3 /usr/bin/osken-manager simple_switch_13.py \
         --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port 6653
"""

from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER, set_ev_cls
from os_ken.lib.packet import ether_types, ethernet, packet
from os_ken.ofproto import ofproto_v1_3


class LearningSwitch13(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # datapath id -> {mac: port}
        self.ports_by_mac = {}

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def on_features(self, ev):
        dp = ev.msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        to_controller = parser.OFPActionOutput(ofp.OFPP_CONTROLLER, ofp.OFPCML_NO_BUFFER)
        self._install(dp, 0, parser.OFPMatch(), [to_controller])

    @staticmethod
    def _install(dp, priority, match, actions, buffer_id=None):
        ofp, parser = dp.ofproto, dp.ofproto_parser
        instructions = [parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS, actions)]
        extra = {} if buffer_id is None else {"buffer_id": buffer_id}
        dp.send_msg(parser.OFPFlowMod(datapath=dp, priority=priority, match=match,
                                      instructions=instructions, **extra))

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def on_packet_in(self, ev):
        msg = ev.msg
        dp = msg.datapath
        ofp, parser = dp.ofproto, dp.ofproto_parser
        in_port = msg.match["in_port"]

        frame = packet.Packet(msg.data).get_protocol(ethernet.ethernet)
        if frame is None or frame.ethertype == ether_types.ETH_TYPE_LLDP:
            return

        table = self.ports_by_mac.setdefault(dp.id, {})
        table[frame.src] = in_port
        out_port = table.get(frame.dst, ofp.OFPP_FLOOD)
        actions = [parser.OFPActionOutput(out_port)]

        if out_port != ofp.OFPP_FLOOD:
            match = parser.OFPMatch(in_port=in_port, eth_dst=frame.dst, eth_src=frame.src)
            if msg.buffer_id != ofp.OFP_NO_BUFFER:
                # The FLOW_MOD releases the buffered packet through the new flow: done.
                self._install(dp, 1, match, actions, buffer_id=msg.buffer_id)
                return
            self._install(dp, 1, match, actions)

        data = msg.data if msg.buffer_id == ofp.OFP_NO_BUFFER else None
        dp.send_msg(parser.OFPPacketOut(datapath=dp, buffer_id=msg.buffer_id, in_port=in_port,
                                        actions=actions, data=data))
