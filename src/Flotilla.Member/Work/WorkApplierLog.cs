using Microsoft.Extensions.Logging;

namespace Flotilla.Member.Work;

internal static partial class WorkApplierLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Processed Work {Work}: {Manifests} manifest(s); next in {Delay}")]
    public static partial void Processed(ILogger logger, string work, int manifests, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Resource} {Namespace}/{Name}: its Work no longer lists it")]
    public static partial void Removed(ILogger logger, string resource, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "AppliedWork {Name} is being deleted, waiting for the deletion to complete")]
    public static partial void WaitingForAppliedWork(ILogger logger, string name);
}
