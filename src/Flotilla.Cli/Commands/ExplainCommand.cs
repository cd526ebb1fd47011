using System.CommandLine;
using System.Globalization;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using Flotilla.Cli.Commands.Explain;
using Flotilla.Client;
using Flotilla.Scheduler;

namespace Flotilla.Cli.Commands;

/// <summary>
/// <c>flotilla explain</c> (beyond upstream; ARCHITECTURE principle 5): for every member cluster, why a placement
/// picked it, or which plugin filtered it out and why, or its score per plugin and its rank.
/// <c>explain crp|rp NAME</c> explains an existing placement from its latest policy snapshot and bindings;
/// <c>explain -f FILE</c> runs the scheduler in memory on a placement that does not exist yet, against the live
/// fleet. Either way the hub is only read (GET and LIST), never written.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var kind = new Argument<string?>("KIND") { Description = "crp (clusterresourceplacement) or rp (resourceplacement)", Arity = ArgumentArity.ZeroOrOne };
        var name = new Argument<string?>("NAME") { Description = "The placement's name", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--filename", "-f")
        {
            Description = "Dry run: a ClusterResourcePlacement or ResourcePlacement manifest (YAML or JSON; - for stdin) to schedule in memory against the live fleet; nothing is created",
        };
        var ns = new Option<string?>("--namespace", "-n") { Description = "A ResourcePlacement's namespace (default: the kubeconfig context's)" };
        var output = new Option<string>("--output", "-o") { Description = "Output format: table, json or yaml", DefaultValueFactory = _ => ExplainRenderer.Table };
        output.AcceptOnlyFromAmong(ExplainRenderer.Formats);
        var kubeconfig = new Option<FileInfo?>("--kubeconfig") { Description = "The hub's kubeconfig (default: $KUBECONFIG, else ~/.kube/config)" };
        var context = new Option<string?>("--context") { Description = "The kubeconfig context to use (default: its current-context)" };
        var command = new Command("explain", "Explain a placement's scheduling: for every member cluster, selected or not and why — the filtering plugin and its reason, or the score per plugin and the rank. `explain crp NAME` / `explain rp NAME -n NS` read an existing placement; `explain -f FILE` shows what a placement that does not exist yet would pick, creating nothing.")
        {
            kind, name, file, ns, output, kubeconfig, context,
        };
        command.Validators.Add(result =>
        {
            var hasFile = result.GetValue(file) is not null;
            var kindText = result.GetValue(kind);
            if (hasFile && kindText is not null)
            {
                result.AddError("Give either KIND NAME (an existing placement) or -f FILE (a dry run), not both.");
            }
            else if (!hasFile && (kindText is null || result.GetValue(name) is null))
            {
                result.AddError("Give KIND NAME (e.g. `flotilla explain crp my-placement`) or -f FILE (a dry run of a manifest).");
            }
            else if (kindText is not null && PlacementKind.FromArgument(kindText) is null)
            {
                result.AddError($"Unknown KIND \"{kindText}\": use crp (clusterresourceplacement) or rp (resourceplacement).");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var hub = HubReader.Connect(parse.GetValue(kubeconfig), parse.GetValue(context), Console.Error);
                var report = parse.GetValue(file) is { } path
                    ? await DryRunAsync(hub, path, parse.GetValue(ns), cancellationToken).ConfigureAwait(false)
                    : await ExplainAsync(hub, PlacementKind.FromArgument(parse.GetValue(kind)!)!, parse.GetValue(name)!, parse.GetValue(ns), cancellationToken).ConfigureAwait(false);
                await Console.Out.WriteAsync(ExplainRenderer.Render(report, parse.GetValue(output)!)).ConfigureAwait(false);
                return 0;
            }
            catch (ExplainException e)
            {
                await Console.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return 1;
            }
            catch (ApiException e)
            {
                await Console.Error.WriteLineAsync($"error: the hub answered {e.Code.ToString(CultureInfo.InvariantCulture)} {e.Reason}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync("error: cannot reach the hub: " + e.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    /// <summary>An existing placement: its latest policy snapshot and bindings against the fleet now.</summary>
    private static async Task<ExplainReport> ExplainAsync(HubReader hub, PlacementKind kind, string name, string? requestedNamespace, CancellationToken cancellationToken)
    {
        var ns = kind.ClusterScoped ? null : string.IsNullOrEmpty(requestedNamespace) ? hub.DefaultNamespace : requestedNamespace;
        var placementTask = hub.PlacementAsync(kind, name, ns, cancellationToken);
        var clustersTask = hub.ClustersAsync(cancellationToken);
        var existing = await placementTask.ConfigureAwait(false);
        var clusters = await clustersTask.ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var notes = new List<string>(existing.Notes);
        var reportPlacement = new ReportPlacement(kind.Kind, name, ns);
        var explainer = new PlacementExplainer();

        if (existing.LatestSnapshot is not { } snapshot)
        {
            // Without a snapshot there is nothing the scheduler decided; what it would decide is the next best answer.
            notes.Add("The placement has no policy snapshot yet, so it has not been scheduled (is the hub agent running?). Shown instead: a dry run of its current spec.policy against the live fleet.");
            var placement = existing.Placement;
            PlacementDefaulter.Default(placement);
            var dryRunPolicy = DryRunPolicy(placement, ns);
            return ExplainReport.From(reportPlacement, dryRun: true, "hub", dryRunPolicy, explainer.DryRun(dryRunPolicy, clusters, now), notes);
        }

        var policy = PolicyView.From(snapshot);
        var generation = existing.Placement.Metadata.Generation ?? 0;
        if (policy.PlacementGeneration < generation)
        {
            notes.Add($"The placement is at generation {generation.ToString(CultureInfo.InvariantCulture)} but its latest policy snapshot reflects generation {policy.PlacementGeneration.ToString(CultureInfo.InvariantCulture)}: the hub has not caught up with the latest change yet.");
        }
        var input = new SchedulingInput(policy, clusters, [.. existing.Bindings.Select(BindingView.From)], now);
        return ExplainReport.From(reportPlacement, dryRun: false, "hub", policy, explainer.Explain(input), notes);
    }

    /// <summary>A placement read from a manifest, scheduled in memory against the live fleet.</summary>
    private static async Task<ExplainReport> DryRunAsync(HubReader hub, string path, string? requestedNamespace, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = path == "-"
                ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)
                : await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ExplainException($"cannot read {path}: {e.Message}", e);
        }
        var source = path == "-" ? "stdin" : path;
        var manifest = PlacementManifest.Read(text, source, hub.DefaultNamespace, requestedNamespace);
        foreach (var field in manifest.UnknownFields)
        {
            // kubectl's wording for a field the server would drop; the dry run, like the hub, ignores it.
            await Console.Error.WriteLineAsync($"Warning: unknown field \"{field}\" in {source}; it is ignored").ConfigureAwait(false);
        }
        var placement = manifest.Placement;
        var ns = manifest.Kind.ClusterScoped ? null : placement.Metadata.Namespace;
        var scopes = await DiscoveredScopes.ResolveAsync(hub.Client, placement.Spec, cancellationToken).ConfigureAwait(false);
        PlacementManifest.Validate(manifest, scopes);

        var clusters = await hub.ClustersAsync(cancellationToken).ConfigureAwait(false);
        var notes = new List<string>();
        if (manifest.Skipped.Count > 0)
        {
            notes.Add($"Ignored the other objects in {source}: {string.Join(", ", manifest.Skipped)}.");
        }
        if (await ExistsAsync(hub, manifest.Kind, manifest.Name, ns, cancellationToken).ConfigureAwait(false))
        {
            notes.Add($"A {manifest.Kind.Kind} named \"{manifest.Name}\" already exists on the hub; this dry run ignores it and its bindings (`flotilla explain {(manifest.Kind.ClusterScoped ? "crp" : "rp")} {manifest.Name}{(ns is null ? "" : " -n " + ns)}` explains what it picked).");
        }
        var policy = DryRunPolicy(placement, ns);
        var explanation = new PlacementExplainer().DryRun(policy, clusters, DateTimeOffset.UtcNow);
        return ExplainReport.From(new ReportPlacement(manifest.Kind.Kind, manifest.Name, ns), dryRun: true, path, policy, explanation, notes);
    }

    /// <summary>
    /// The policy snapshot the placement controller would create for a new placement, in memory: named
    /// <c>&lt;name&gt;-dry-run</c>, generation 1, PickN's numberOfClusters as its annotation would carry it.
    /// </summary>
    private static PolicyView DryRunPolicy(IPlacement placement, string? ns)
    {
        var policy = placement.Spec.Policy;
        var pickN = (policy?.PlacementType ?? PlacementType.PickAll) == PlacementType.PickN;
        return new PolicyView($"{placement.Metadata.Name}-dry-run", ns, policy, pickN ? policy!.NumberOfClusters : null, Generation: 1, PlacementGeneration: 1);
    }

    private static async Task<bool> ExistsAsync(HubReader hub, PlacementKind kind, string name, string? ns, CancellationToken cancellationToken)
    {
        try
        {
            if (kind.ClusterScoped)
            {
                await hub.Client.Resource(CustomResourceMappings.Of<ClusterResourcePlacement>(), PlacementJsonContext.Default.ClusterResourcePlacement)
                    .GetAsync(name, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await hub.Client.Resource(CustomResourceMappings.Of<ResourcePlacement>(), PlacementJsonContext.Default.ResourcePlacement)
                    .InNamespace(ns).GetAsync(name, cancellationToken).ConfigureAwait(false);
            }
            return true;
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return false;
        }
    }
}
