namespace Apps.Dhcp;

/// <summary>What the responder did with one frame (a counter label and a log reason).</summary>
public enum DhcpOutcome
{
    /// <summary>Answered with an OFFER.</summary>
    Offer,

    /// <summary>Answered with an ACK (REQUEST for the port's address, renewals, INFORM).</summary>
    Ack,

    /// <summary>Answered with a NAK: the client asked for an address that is not its port's.</summary>
    Nak,

    /// <summary>Not a DHCP client message (or cut short): no answer.</summary>
    Malformed,

    /// <summary>The frame's VLAN is no network on this host.</summary>
    UnknownNetwork,

    /// <summary>The client MAC is no port of that network on this host, or the frame's source MAC is not the client MAC.</summary>
    UnknownClient,

    /// <summary>The port has no IPv4 address, or its network no prefix (or no free server address).</summary>
    NoAddress,

    /// <summary>A valid message that needs no answer (RELEASE, DECLINE, a REQUEST for another server).</summary>
    Ignored,
}
