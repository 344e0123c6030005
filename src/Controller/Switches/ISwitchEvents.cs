namespace Controller.Switches;

/// <summary>The switch event stream. Each subscriber gets its own queue of every event.</summary>
public interface ISwitchEvents
{
    /// <summary>
    /// Starts a subscription. A <see cref="SwitchConnected"/> is queued first for every switch already
    /// connected. Lifecycle, port and error events are never dropped; PACKET_IN events beyond the
    /// subscriber's backlog limit (OpenFlow:PacketInQueueLimit) are dropped and counted. Dispose to stop.
    /// </summary>
    SwitchEventSubscription Subscribe(string name);

    /// <summary>
    /// Makes <paramref name="handler"/> answer every ready switch's PACKET_INs on that switch's own
    /// event loop; while it is set, PACKET_INs are not published as <see cref="SwitchPacketIn"/>
    /// events. One handler at a time; dispose the result to remove it.
    /// </summary>
    IDisposable HandlePacketIns(IPacketInHandler handler);
}
