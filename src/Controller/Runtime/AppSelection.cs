namespace Controller.Runtime;

/// <summary>Which app programs a switch (configuration values of <c>Runtime:DefaultApp</c> and <c>Runtime:Apps</c>).</summary>
public enum AppSelection
{
    /// <summary>
    /// br-tun when the bridge has a patch-int port, br-int when it has a patch-tun port, br-tun when its
    /// datapath id is a host's in the store; otherwise the learning switch.
    /// </summary>
    Auto,

    /// <summary>Always the br-tun overlay pipeline.</summary>
    BrTun,

    /// <summary>Always the plain MAC-learning switch.</summary>
    L2Learning,

    /// <summary>Always the integration-bridge app (NORMAL over access-port tags).</summary>
    BrInt,
}
