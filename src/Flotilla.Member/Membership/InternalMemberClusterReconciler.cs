using System.Text.Json;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Member.Properties;
using Flotilla.Runtime;
using Flotilla.Runtime.Controllers;
using Microsoft.Extensions.Logging;

namespace Flotilla.Member.Membership;

/// <summary>
/// The member agent's InternalMemberCluster controller (placement spec §8.2). Reconciles this member's IMC on the hub
/// whenever its spec changes and, while joined, on its own heartbeat timer. State Join: start the work applier, record
/// the heartbeat, probe the member API server's health, collect properties, report Joined, and come back after the
/// heartbeat period ± 5%. State Leave: stop the work applier, report Joined False, and stop heartbeating.
/// </summary>
internal sealed class InternalMemberClusterReconciler : IReconciler<NamespacedName>
{
    public const int DefaultHeartbeatPeriodSeconds = 60;
    private const int StatusWriteAttempts = 5;

    private readonly Lister<InternalMemberCluster> _lister;
    private readonly ResourceClient<InternalMemberCluster> _imcs;
    private readonly IMemberWorkApplier _workApplier;
    private readonly IClusterHealthProbe _health;
    private readonly PropertyCollector _properties;
    private readonly TimeProvider _time;
    private readonly Func<double> _jitter;
    private readonly ILogger _logger;

    // jitter gives the factor in [0.95, 1.05] of each heartbeat delay (tests fix it).
    public InternalMemberClusterReconciler(
        Lister<InternalMemberCluster> lister, ResourceClient<InternalMemberCluster> imcs, IMemberWorkApplier workApplier, IClusterHealthProbe health,
        PropertyCollector properties, TimeProvider time, Func<double> jitter, ILogger logger)
    {
        _lister = lister;
        _imcs = imcs;
        _workApplier = workApplier;
        _health = health;
        _properties = properties;
        _time = time;
        _jitter = jitter;
        _logger = logger;
    }

    /// <summary>Uniform in [0.95, 1.05], as upstream's heartbeat jitter.</summary>
    public static double RandomJitter() => 0.95 + (Random.Shared.NextDouble() * 0.1);

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var imc = _lister.Get(key.Namespace, key.Name);
        if (imc is null)
        {
            MemberAgentLog.NotFound(_logger, key.Namespace, key.Name);
            return ReconcileResult.Done;
        }
        return imc.Spec.State == ClusterState.Leave
            ? await LeaveAsync(imc, cancellationToken).ConfigureAwait(false)
            : await JoinAsync(imc, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReconcileResult> JoinAsync(InternalMemberCluster imc, CancellationToken cancellationToken)
    {
        try
        {
            await _workApplier.JoinAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            MemberAgentLog.WorkApplierFailed(_logger, e, "start");
            await WriteStatusAsync(imc, (status, generation) =>
                SetAgentCondition(status, generation, MemberClusterConditionType.Joined, ConditionStatus.Unknown, InternalMemberClusterReasons.FailedToJoin, e.Message), cancellationToken).ConfigureAwait(false);
            throw;
        }

        var heartbeat = _time.GetUtcNow();
        var unhealthy = await ProbeAsync(cancellationToken).ConfigureAwait(false);
        var collection = await _properties.CollectAsync(cancellationToken).ConfigureAwait(false);
        var wasJoined = false;
        await WriteStatusAsync(imc, (status, generation) =>
        {
            var agent = MemberAgentStatus(status);
            wasJoined = Conditions.Find(agent.Conditions, MemberClusterConditionType.Joined) is { IsTrue: true };
            agent.LastReceivedHeartbeat = heartbeat;
            if (unhealthy is null)
            {
                SetAgentCondition(status, generation, MemberClusterConditionType.Healthy, ConditionStatus.True, InternalMemberClusterReasons.Healthy, "");
            }
            else
            {
                SetAgentCondition(status, generation, MemberClusterConditionType.Healthy, ConditionStatus.False, InternalMemberClusterReasons.Unhealthy, unhealthy);
            }
            status.Conditions ??= [];
            foreach (var condition in collection.Conditions)
            {
                var copy = condition.Clone();
                copy.ObservedGeneration = generation;
                Conditions.Set(status.Conditions, copy, _time.GetUtcNow());
            }
            if (collection.Response is { } response)
            {
                status.Properties = response.Properties;
                status.ResourceUsage = response.Resources;
                status.Namespaces = response.Namespaces;
            }
            SetAgentCondition(status, generation, MemberClusterConditionType.Joined, ConditionStatus.True, InternalMemberClusterReasons.Joined, "");
        }, cancellationToken).ConfigureAwait(false);
        if (!wasJoined)
        {
            MemberAgentLog.Joined(_logger, imc.Metadata.Name!);
        }

        var period = Math.Clamp(imc.Spec.HeartbeatPeriodSeconds ?? DefaultHeartbeatPeriodSeconds, 1, 600);
        var delay = TimeSpan.FromSeconds(period * _jitter());
        MemberAgentLog.Heartbeat(_logger, delay);
        return ReconcileResult.RequeueAfter(delay);
    }

    private async Task<ReconcileResult> LeaveAsync(InternalMemberCluster imc, CancellationToken cancellationToken)
    {
        try
        {
            await _workApplier.LeaveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            MemberAgentLog.WorkApplierFailed(_logger, e, "stop");
            await WriteStatusAsync(imc, (status, generation) =>
                SetAgentCondition(status, generation, MemberClusterConditionType.Joined, ConditionStatus.Unknown, InternalMemberClusterReasons.FailedToLeave, e.Message), cancellationToken).ConfigureAwait(false);
            throw;
        }
        var written = await WriteStatusAsync(imc, (status, generation) =>
            SetAgentCondition(status, generation, MemberClusterConditionType.Joined, ConditionStatus.False, InternalMemberClusterReasons.Left, ""), cancellationToken).ConfigureAwait(false);
        if (written)
        {
            MemberAgentLog.Left(_logger, imc.Metadata.Name!);
        }
        // No heartbeat after leaving: the next reconcile comes with the next spec change (a re-join).
        return ReconcileResult.Done;
    }

    /// <summary>Null when healthy, else why not.</summary>
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _health.CheckAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            MemberAgentLog.Unhealthy(_logger, e.Message);
            return e.Message;
        }
    }

    /// <summary>
    /// Applies <paramref name="mutate"/> to a copy of the IMC's status and writes it when it changed; on a write
    /// conflict (the hub changed the spec meanwhile) re-reads the IMC and applies it again. True when written.
    /// </summary>
    private async Task<bool> WriteStatusAsync(InternalMemberCluster imc, Action<InternalMemberClusterStatus, long> mutate, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = JsonSerializer.Serialize(imc.Status ?? new InternalMemberClusterStatus(), ClusterJsonContext.Default.InternalMemberClusterStatus);
            var status = JsonSerializer.Deserialize(before, ClusterJsonContext.Default.InternalMemberClusterStatus)!;
            mutate(status, imc.Metadata.Generation ?? 0);
            if (JsonSerializer.Serialize(status, ClusterJsonContext.Default.InternalMemberClusterStatus) == before)
            {
                return false;
            }
            var update = new InternalMemberCluster
            {
                ApiVersion = ClusterApi.ApiVersion,
                Kind = "InternalMemberCluster",
                Metadata = imc.Metadata,
                Spec = imc.Spec,
                Status = status,
            };
            try
            {
                await _imcs.UpdateStatusAsync(update, cancellationToken: cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (ApiException e) when (e.IsConflict() && attempt < StatusWriteAttempts)
            {
                MemberAgentLog.StatusConflict(_logger, attempt);
                imc = await _imcs.GetAsync(imc.Metadata.Name!, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static AgentStatus MemberAgentStatus(InternalMemberClusterStatus status)
    {
        status.AgentStatus ??= [];
        var agent = status.AgentStatus.FirstOrDefault(a => a.Type == AgentType.MemberAgent);
        if (agent is null)
        {
            agent = new AgentStatus { Type = AgentType.MemberAgent };
            status.AgentStatus.Add(agent);
        }
        return agent;
    }

    private void SetAgentCondition(InternalMemberClusterStatus status, long generation, string type, string conditionStatus, string reason, string message)
    {
        var agent = MemberAgentStatus(status);
        agent.Conditions ??= [];
        Conditions.Set(agent.Conditions, new Condition
        {
            Type = type,
            Status = conditionStatus,
            Reason = reason,
            Message = message,
            ObservedGeneration = generation,
        }, _time.GetUtcNow());
    }
}
