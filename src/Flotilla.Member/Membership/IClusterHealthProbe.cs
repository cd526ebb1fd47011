namespace Flotilla.Member.Membership;

/// <summary>Checks that the member cluster's API server is healthy; the default GETs <c>/readyz</c>.</summary>
public interface IClusterHealthProbe
{
    /// <summary>Completes when healthy; throws when not, with a message that says why (it becomes the condition's message).</summary>
    Task CheckAsync(CancellationToken cancellationToken);
}
