using System.Text.Json.Nodes;
using Flotilla.ApiServer.Patching;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Core;

/// <summary>Records non-apply writes in <c>metadata.managedFields</c> (server-side apply records its own).</summary>
internal static class ManagedFieldsTracker
{
    public static void RecordUpdate(ResourceDefinition resource, JsonObject? old, JsonObject updated, RequestOptions options, string? subresource, DateTimeOffset now)
    {
        if (options.IsApply)
        {
            return;
        }
        ManagedFields.RecordUpdate(old, updated, options.Manager, resource.GroupVersion, subresource, now, MergeSchemas.For(resource));
    }
}
