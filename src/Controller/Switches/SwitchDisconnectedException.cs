namespace Controller.Switches;

/// <summary>A request could not complete because the switch's connection closed.</summary>
public sealed class SwitchDisconnectedException : Exception
{
    public SwitchDisconnectedException()
        : base("the switch disconnected")
    {
    }

    public SwitchDisconnectedException(string message)
        : base(message)
    {
    }

    public SwitchDisconnectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
