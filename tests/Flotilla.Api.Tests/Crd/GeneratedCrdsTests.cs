using Flotilla.Api.Crd;

namespace Flotilla.Api.Tests.Crd;

/// <summary><c>deploy/crds</c> must be exactly what the API types generate, so real clusters get what our servers serve.</summary>
public sealed class GeneratedCrdsTests
{
    private const string Regenerate = "regenerate with: dotnet run --project src/Flotilla.Cli -- crds --output deploy/crds";

    [Fact]
    public void DeployCrds_MatchGeneratedFromTypes()
    {
        var directory = Path.Combine(RepositoryRoot(), "deploy", "crds");
        var expected = FleetCrds.Hub.ToDictionary(FleetCrds.FileName, FleetCrds.ToYaml);
        var actual = Directory.GetFiles(directory, "*.yaml").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

        Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()),
            $"deploy/crds holds [{string.Join(", ", actual.Keys.Order())}] but the types define [{string.Join(", ", expected.Keys.Order())}]; {Regenerate}");
        foreach (var (file, yaml) in expected)
        {
            Assert.True(yaml == actual[file], $"deploy/crds/{file} is stale; {Regenerate}");
        }
    }

    [Fact]
    public void MemberCrds_AreTheFourUpstreamInstallsOnMembers()
    {
        Assert.Equal(
            ["appliedworks.placement.kubernetes-fleet.io", "multiclusterservices.networking.fleet.azure.com",
             "serviceexports.networking.fleet.azure.com", "serviceimports.networking.fleet.azure.com"],
            FleetCrds.Member.Select(FleetCrds.Name).Order(StringComparer.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Flotilla.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no Flotilla.slnx above {AppContext.BaseDirectory}");
    }
}
