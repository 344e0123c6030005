namespace Controller.Switches;

/// <summary>
/// A state-changing message was not sent because this controller is not (or no longer provably) the
/// switch's master in the cluster. Nothing of the batch was written.
/// </summary>
public sealed class SwitchNotMasterException : Exception
{
    public SwitchNotMasterException()
        : base("this controller is not the switch's master")
    {
    }

    public SwitchNotMasterException(string message)
        : base(message)
    {
    }

    public SwitchNotMasterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
