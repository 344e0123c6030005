using OpenFlow.Messages;

namespace Controller.Reconcile;

/// <summary>The switch answered a batch of FLOW_MODs with OFPT_ERRORs; the switch needs a full resync.</summary>
public sealed class FlowBatchException : Exception
{
    public FlowBatchException()
    {
        Errors = [];
    }

    public FlowBatchException(string message)
        : base(message)
    {
        Errors = [];
    }

    public FlowBatchException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public FlowBatchException(IReadOnlyList<ErrorMessage> errors)
        : base($"switch rejected {errors?.Count ?? 0} message(s): {string.Join(", ", (errors ?? []).Select(e => e.Describe()))}")
    {
        Errors = errors ?? [];
    }

    public IReadOnlyList<ErrorMessage> Errors { get; }
}
