using Flotilla.Api.Cluster;
using Flotilla.Api.Cluster.Admission;

namespace Flotilla.Api.Tests.Cluster;

public sealed class MemberClusterDefaulterTests
{
    [Fact]
    public void Default_EmptySpec_SetsHeartbeatAndStrictDeletion()
    {
        var cluster = new MemberCluster { Metadata = new() { Name = "member-1" } };

        var changed = MemberClusterDefaulter.Default(cluster);

        Assert.True(changed);
        Assert.Equal(60, cluster.Spec.HeartbeatPeriodSeconds);
        Assert.Equal(DeleteValidationMode.Strict, cluster.Spec.DeleteOptions?.ValidationMode);
    }

    [Fact]
    public void Default_EmptyDeleteOptions_SetsStrict()
    {
        var cluster = new MemberCluster { Spec = new() { HeartbeatPeriodSeconds = 30, DeleteOptions = new() } };

        Assert.True(MemberClusterDefaulter.Default(cluster));
        Assert.Equal(DeleteValidationMode.Strict, cluster.Spec.DeleteOptions.ValidationMode);
        Assert.Equal(30, cluster.Spec.HeartbeatPeriodSeconds);
    }

    [Fact]
    public void Default_ExplicitValues_AreKept()
    {
        var cluster = new MemberCluster
        {
            Spec = new() { HeartbeatPeriodSeconds = 5, DeleteOptions = new() { ValidationMode = DeleteValidationMode.Skip } },
        };

        var changed = MemberClusterDefaulter.Default(cluster);

        Assert.False(changed);
        Assert.Equal(5, cluster.Spec.HeartbeatPeriodSeconds);
        Assert.Equal(DeleteValidationMode.Skip, cluster.Spec.DeleteOptions.ValidationMode);
    }
}
