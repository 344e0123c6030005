using OpenFlow;
using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>The switch answered a request with OFPT_ERROR.</summary>
public sealed class OpenFlowErrorException : Exception
{
    public OpenFlowErrorException(DatapathId datapathId, ErrorMessage error)
        : base($"switch {datapathId} answered xid {error?.Xid} with error {error?.Describe()}")
    {
        ArgumentNullException.ThrowIfNull(error);
        DatapathId = datapathId;
        Error = error;
    }

    public OpenFlowErrorException()
        : this("OpenFlow error")
    {
    }

    public OpenFlowErrorException(string message)
        : base(message)
    {
        Error = new ErrorMessage();
    }

    public OpenFlowErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new ErrorMessage();
    }

    public DatapathId DatapathId { get; }

    /// <summary>The decoded error, including the quoted bytes of the offending request.</summary>
    public ErrorMessage Error { get; }
}
