using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Registry;
using Flotilla.Storage;

namespace Flotilla.ApiServer.Core;

/// <summary>The outcome of a write: the object as stored (or as it would be, for dry runs).</summary>
internal sealed record WriteOutcome(JsonObject Object, bool Created = false, bool Deleted = false);

/// <summary>
/// The object semantics of the API server, independent of HTTP: server-owned metadata, optimistic concurrency,
/// status isolation, generation, finalizers and deletion, admission. Every write of every client and of the
/// server's own controllers goes through here.
/// </summary>
internal sealed class ResourceService(IResourceStore store, ResourceRegistry registry, Admission admission, TimeProvider time, ServiceAddresses? serviceAddresses = null)
{
    /// <summary>How often an unconditional read-modify-write retries when another writer got there first.</summary>
    private const int MaxAttempts = 16;

    public IResourceStore Store => store;

    public ResourceRegistry Registry => registry;

    public TimeProvider Time => time;

    public StoredValue? GetRaw(ResourceDefinition resource, string? ns, string name) =>
        store.Get(ObjectKeys.Key(resource, ns, name));

    /// <summary>Reads one object as the given version serves it; 404 when absent.</summary>
    public JsonObject Get(ResourceDefinition resource, string? ns, string name) =>
        Decode(resource, GetRaw(resource, ns, name) ?? throw NotFound(resource, name));

    public ListResult List(ResourceDefinition resource, string? ns) => store.List(ObjectKeys.Prefix(resource, ns));

    /// <summary>Parses a stored value and presents it in <paramref name="resource"/>'s group-version.</summary>
    public static JsonObject Decode(ResourceDefinition resource, StoredValue value)
    {
        var obj = Obj.Parse(value.Value);
        obj["apiVersion"] = resource.GroupVersion;
        return obj;
    }

    public async Task<WriteOutcome> CreateAsync(ResourceDefinition resource, string? ns, JsonObject obj, RequestOptions options, CancellationToken cancellationToken = default)
    {
        CheckTypeMeta(resource, obj);
        var metadata = obj.Metadata();
        if (metadata.GetString("resourceVersion") is { Length: > 0 })
        {
            throw ApiException.BadRequest("resourceVersion should not be set on objects to be created");
        }
        SetNamespace(resource, ns, metadata);
        var name = metadata.GetString("name");
        if (string.IsNullOrEmpty(name) && metadata.GetString("generateName") is { Length: > 0 } generateName)
        {
            name = generateName + RandomSuffix();
            metadata["name"] = name;
        }
        if (resource.Namespaced)
        {
            CheckNamespaceAcceptsContent(metadata.GetString("namespace")!);
        }

        var now = time.GetUtcNow();
        foreach (var field in ServerOwnedMetadata)
        {
            metadata.Remove(field);
        }
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = Obj.FormatTime(now);
        if (resource.TracksGeneration)
        {
            metadata["generation"] = 1;
        }
        if (resource.HasStatusSubresource)
        {
            // Status is the controllers' to write; a create carries none (upstream resets it).
            obj.Remove("status");
        }
        admission.AdmitCreate(resource, obj, options);
        ManagedFieldsTracker.RecordUpdate(resource, null, obj, options, null, now);

        name = obj.Name();
        if (options.DryRun)
        {
            return new WriteOutcome(obj, Created: true);
        }
        var key = ObjectKeys.Key(resource, obj.Namespace(), name);
        using var addresses = serviceAddresses is not null && ServiceAddresses.IsService(resource)
            ? await serviceAddresses.AllocateAsync(this, resource, obj, cancellationToken).ConfigureAwait(false)
            : null;
        var result = await store.CreateAsync(key, rev => Render(obj, rev), cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            WriteStatus.Ok => Committed(resource, new WriteOutcome(Decode(resource, result.Value!), Created: true)),
            WriteStatus.AlreadyExists => throw ApiException.AlreadyExists(resource.Plural, resource.Group, name),
            _ => throw new InvalidOperationException($"unexpected store status {result.Status} on create"),
        };
    }

    /// <summary>PUT: replaces the object (or its status) with <paramref name="obj"/>.</summary>
    public Task<WriteOutcome> UpdateAsync(ResourceDefinition resource, string? ns, string name, string? subresource, JsonObject obj, RequestOptions options, CancellationToken cancellationToken = default)
    {
        CheckTypeMeta(resource, obj);
        var metadata = obj.Metadata();
        if (metadata.GetString("name") is { } bodyName && bodyName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }
        SetNamespace(resource, ns, metadata);
        var requested = metadata.GetString("resourceVersion");
        if (string.IsNullOrEmpty(requested) && resource.IsCustom && subresource is null)
        {
            throw ApiException.Invalid(resource.Kind, resource.Group, name,
                [new StatusCause("FieldValueInvalid", "Invalid value: 0x0: must be specified for an update", "metadata.resourceVersion")]);
        }
        return MutateAsync(resource, ns, name, subresource, _ => obj.DeepClone().AsObject(), options, allowCreate: null, cancellationToken);
    }

    /// <summary>
    /// Read-modify-write: <paramref name="mutate"/> receives the current object (null when absent) and returns the
    /// desired one. If the desired object carries a resourceVersion it must equal the current one (409 otherwise);
    /// if it carries none the write is retried against the latest state when another writer intervenes.
    /// <paramref name="allowCreate"/> (server-side apply) creates the object when absent.
    /// </summary>
    public async Task<WriteOutcome> MutateAsync(
        ResourceDefinition resource, string? ns, string name, string? subresource,
        Func<JsonObject?, JsonObject> mutate, RequestOptions options,
        Func<JsonObject, Task<WriteOutcome>>? allowCreate, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = GetRaw(resource, ns, name);
            if (current is null)
            {
                if (allowCreate is null)
                {
                    throw NotFound(resource, name);
                }
                return await allowCreate(mutate(null)).ConfigureAwait(false);
            }
            var old = Decode(resource, current);
            var desired = mutate(old.DeepClone().AsObject());
            var requested = desired.ResourceVersion();
            if (requested.Length > 0 && requested != current.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                if (!long.TryParse(requested, out _))
                {
                    throw ApiException.BadRequest($"metadata.resourceVersion: Invalid value: \"{requested}\": must be a decimal integer");
                }
                throw ApiException.Conflict(resource.Plural, resource.Group, name);
            }
            var outcome = await CommitUpdateAsync(resource, current, old, desired, subresource, options, cancellationToken).ConfigureAwait(false);
            if (outcome is not null)
            {
                return outcome;
            }
            // Another writer got in between. Retry against the latest state: a write that pinned a resourceVersion
            // (a PUT, or a patch that sets one) fails the check above on the next attempt with 409, while one that
            // merely inherited the stored version (a patch or apply without one) is applied to the latest state.
            if (attempt >= MaxAttempts)
            {
                throw ApiException.Conflict(resource.Plural, resource.Group, name);
            }
        }
    }

    /// <summary>Writes <paramref name="desired"/> over <paramref name="old"/>; null when the store saw a concurrent change.</summary>
    private async Task<WriteOutcome?> CommitUpdateAsync(
        ResourceDefinition resource, StoredValue current, JsonObject old, JsonObject desired, string? subresource,
        RequestOptions options, CancellationToken cancellationToken)
    {
        CheckTypeMeta(resource, desired);
        var updated = subresource == "status" ? WithStatusFrom(old, desired) : desired;
        if (subresource is null && resource.HasStatusSubresource)
        {
            CopyOrRemove(old, updated, "status");
        }
        var metadata = updated.Metadata();
        var oldMetadata = old.Metadata();
        foreach (var field in ImmutableMetadata)
        {
            CopyOrRemove(oldMetadata, metadata, field);
        }
        updated["apiVersion"] = resource.GroupVersion;
        updated["kind"] = resource.Kind;

        if (old.IsDeleting())
        {
            var added = updated.Finalizers().Except(old.Finalizers()).ToList();
            if (added.Count > 0)
            {
                throw ApiException.Invalid(resource.Kind, resource.Group, old.Name(),
                    [new StatusCause("FieldValueForbidden", "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers " + Quote(added), "metadata.finalizers")]);
            }
        }

        admission.AdmitUpdate(resource, updated, old, options, subresource);
        if (resource.TracksGeneration && SpecChanged(resource, old, updated))
        {
            metadata["generation"] = (oldMetadata["generation"]?.GetValue<long>() ?? 0) + 1;
        }
        var now = time.GetUtcNow();
        ManagedFieldsTracker.RecordUpdate(resource, old, updated, options, subresource, now);

        if (IsNoOp(old, updated))
        {
            return new WriteOutcome(old);
        }
        var finalized = updated.IsDeleting() && IsFinalized(resource, updated);
        if (options.DryRun)
        {
            return new WriteOutcome(updated, Deleted: finalized);
        }
        if (finalized)
        {
            var deleted = await store.DeleteAsync(current.Key, current.Revision, rev => Render(updated, rev), cancellationToken).ConfigureAwait(false);
            return deleted.Succeeded ? Committed(resource, new WriteOutcome(Decode(resource, deleted.Value!), Deleted: true)) : null;
        }
        var result = await store.UpdateAsync(current.Key, current.Revision, rev => Render(updated, rev), cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? Committed(resource, new WriteOutcome(Decode(resource, result.Value!))) : null;
    }

    /// <summary>
    /// DELETE: removes the object, or marks it deleting (deletionTimestamp) while finalizers remain. Foreground
    /// and Orphan propagation add the finalizer the garbage collector acts on.
    /// </summary>
    public async Task<WriteOutcome> DeleteAsync(ResourceDefinition resource, string? ns, string name, DeleteOptions options, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = GetRaw(resource, ns, name) ?? throw NotFound(resource, name);
            var obj = Decode(resource, current);
            if (options.PreconditionUid is { } uid && uid != obj.Uid())
            {
                throw ApiException.Conflict(resource.Plural, resource.Group, name,
                    $"Precondition failed: UID in precondition: {uid}, UID in object meta: {obj.Uid()}");
            }
            if (options.PreconditionResourceVersion is { } rv && rv != obj.ResourceVersion())
            {
                throw ApiException.Conflict(resource.Plural, resource.Group, name,
                    $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {obj.ResourceVersion()}");
            }
            if (attempt == 1 && !obj.IsDeleting())
            {
                admission.AdmitDelete(resource, obj);
            }
            var policy = options.Propagation ?? PropagationPolicy.Background;
            var finalizers = obj.Finalizers();
            var policyFinalizer = policy switch
            {
                PropagationPolicy.Foreground => Finalizers.ForegroundDeletion,
                PropagationPolicy.Orphan => Finalizers.Orphan,
                _ => null,
            };
            if (policyFinalizer is not null && !finalizers.Contains(policyFinalizer))
            {
                finalizers.Add(policyFinalizer);
            }
            var marked = obj.DeepClone().AsObject();
            marked.SetFinalizers(finalizers);
            Admission.PrepareDelete(resource, marked);

            if (!obj.IsDeleting() && IsFinalized(resource, marked))
            {
                if (options.DryRun)
                {
                    return new WriteOutcome(obj, Deleted: true);
                }
                var deleted = await store.DeleteAsync(current.Key, current.Revision, rev => Render(obj, rev), cancellationToken).ConfigureAwait(false);
                if (deleted.Succeeded)
                {
                    return Committed(resource, new WriteOutcome(Decode(resource, deleted.Value!), Deleted: true));
                }
            }
            else
            {
                var metadata = marked.Metadata();
                if (!obj.IsDeleting())
                {
                    metadata["deletionTimestamp"] = Obj.FormatTime(time.GetUtcNow());
                    metadata["deletionGracePeriodSeconds"] = 0;
                    if (resource.TracksGeneration)
                    {
                        metadata["generation"] = (metadata["generation"]?.GetValue<long>() ?? 0) + 1;
                    }
                }
                if (JsonNode.DeepEquals(marked, obj) || options.DryRun)
                {
                    return new WriteOutcome(options.DryRun ? marked : obj);
                }
                var result = await store.UpdateAsync(current.Key, current.Revision, rev => Render(marked, rev), cancellationToken).ConfigureAwait(false);
                if (result.Succeeded)
                {
                    return Committed(resource, new WriteOutcome(Decode(resource, result.Value!)));
                }
            }
            if (attempt >= MaxAttempts)
            {
                throw ApiException.Conflict(resource.Plural, resource.Group, name);
            }
        }
    }

    private WriteOutcome Committed(ResourceDefinition resource, WriteOutcome outcome)
    {
        admission.AfterCommit(resource, outcome.Object, outcome.Deleted);
        return outcome;
    }

    /// <summary>True when nothing holds the object back from removal.</summary>
    public static bool IsFinalized(ResourceDefinition resource, JsonObject obj) =>
        obj.Finalizers().Count == 0 && !(resource.Group.Length == 0 && resource.Plural == "namespaces" && obj.At("spec", "finalizers") is JsonArray { Count: > 0 });

    /// <summary>404 unless the namespace exists; 403 while it is terminating.</summary>
    private void CheckNamespaceAcceptsContent(string ns)
    {
        var namespaces = registry.Find("", "v1", "namespaces")!;
        var stored = store.Get(ObjectKeys.Key(namespaces, null, ns)) ?? throw ApiException.NotFound("namespaces", "", ns);
        // Most namespaces never terminate: only parse the object when its bytes mention a deletionTimestamp at all.
        if (stored.Value.AsSpan().IndexOf("\"deletionTimestamp\""u8) >= 0 && Obj.Parse(stored.Value).IsDeleting())
        {
            throw ApiException.Forbidden($"unable to create new content in namespace {ns} because it is being terminated",
                new StatusDetails(ns, "", "namespaces", [new StatusCause("NamespaceTerminating", $"namespace {ns} is being terminated", "metadata.namespace")]));
        }
    }

    private static void SetNamespace(ResourceDefinition resource, string? ns, JsonObject metadata)
    {
        if (!resource.Namespaced)
        {
            metadata.Remove("namespace");
            return;
        }
        var given = metadata.GetString("namespace");
        if (string.IsNullOrEmpty(given))
        {
            metadata["namespace"] = ns;
        }
        else if (given != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    /// <summary>A body's apiVersion and kind must name the URL's resource (either may be omitted).</summary>
    private static void CheckTypeMeta(ResourceDefinition resource, JsonObject obj)
    {
        var kind = obj.GetString("kind");
        if (!string.IsNullOrEmpty(kind) && kind != resource.Kind)
        {
            throw ApiException.BadRequest($"the kind in the body ({kind}) does not match the kind of the URL ({resource.Kind}); send {resource.Kind} objects to {resource.QualifiedResource}");
        }
        var apiVersion = obj.GetString("apiVersion");
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != resource.GroupVersion)
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({resource.GroupVersion})");
        }
        obj["apiVersion"] = resource.GroupVersion;
        obj["kind"] = resource.Kind;
    }

    private static JsonObject WithStatusFrom(JsonObject old, JsonObject desired)
    {
        var updated = old.DeepClone().AsObject();
        CopyOrRemove(desired, updated, "status");
        // The concurrency check of a status write uses the body's resourceVersion.
        updated.Metadata()["resourceVersion"] = desired.ResourceVersion();
        return updated;
    }

    private static bool SpecChanged(ResourceDefinition resource, JsonObject old, JsonObject updated)
    {
        foreach (var (field, value) in updated)
        {
            if (field is "metadata" or "apiVersion" or "kind" || (field == "status" && resource.HasStatusSubresource))
            {
                continue;
            }
            if (!JsonNode.DeepEquals(value, old[field]))
            {
                return true;
            }
        }
        foreach (var (field, _) in old)
        {
            if (field is not ("metadata" or "apiVersion" or "kind") && !(field == "status" && resource.HasStatusSubresource) && !updated.ContainsKey(field))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Equal apart from resourceVersion and managedFields times: such a write changes nothing.</summary>
    private static bool IsNoOp(JsonObject old, JsonObject updated)
    {
        var a = Normalize(old);
        var b = Normalize(updated);
        return JsonNode.DeepEquals(a, b);

        static JsonObject Normalize(JsonObject obj)
        {
            var copy = obj.DeepClone().AsObject();
            var metadata = copy.Metadata();
            metadata.Remove("resourceVersion");
            if (metadata["managedFields"] is JsonArray entries)
            {
                foreach (var entry in entries.OfType<JsonObject>())
                {
                    entry.Remove("time");
                }
            }
            return copy;
        }
    }

    /// <summary>Serializes with the store's revision as resourceVersion.</summary>
    private static byte[] Render(JsonObject obj, long revision)
    {
        obj.Metadata()["resourceVersion"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Obj.ToBytes(obj);
    }

    private static void CopyOrRemove(JsonObject from, JsonObject to, string field)
    {
        if (from[field] is { } value)
        {
            to[field] = value.DeepClone();
        }
        else
        {
            to.Remove(field);
        }
    }

    private static ApiException NotFound(ResourceDefinition resource, string name) =>
        ApiException.NotFound(resource.Plural, resource.Group, name);

    private static string Quote(IEnumerable<string> values) => "[" + string.Join(" ", values) + "]";

    private static string RandomSuffix()
    {
        // Upstream's alphabet leaves out vowels and look-alikes so generated names never spell words.
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
            }
        });
    }

    /// <summary>Metadata only the server sets on create.</summary>
    private static readonly string[] ServerOwnedMetadata = ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink"];

    /// <summary>Metadata an update cannot change.</summary>
    private static readonly string[] ImmutableMetadata = ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "name", "namespace"];
}

/// <summary>Finalizers the server itself acts on.</summary>
internal static class Finalizers
{
    public const string ForegroundDeletion = "foregroundDeletion";
    public const string Orphan = "orphan";
    public const string CustomResourceCleanup = "customresourcecleanup.apiextensions.k8s.io";
    public const string Kubernetes = "kubernetes";
}
