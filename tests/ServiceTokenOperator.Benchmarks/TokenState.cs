using System.Text.Json.Nodes;

namespace ServiceTokenOperator.Benchmarks;

/// <summary>What the harness needs to know of one ServiceToken, as the last watch event showed it.</summary>
internal sealed record TokenState(string Name, bool Ready, long Revision, string? LastRotateRequest, string? ReadyReason)
{
    /// <summary>Ready=True for the current generation.</summary>
    public static TokenState Of(JsonObject token)
    {
        var metadata = token["metadata"]!.AsObject();
        var status = token["status"] as JsonObject;
        var generation = metadata["generation"]?.GetValue<long>() ?? 0;
        var observed = status?["observedGeneration"]?.GetValue<long>() ?? -1;
        var ready = (status?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
        var isReady = ready?["status"]?.GetValue<string>() == "True" && observed == generation;
        return new TokenState(
            metadata["name"]!.GetValue<string>(),
            isReady,
            status?["revision"]?.GetValue<long>() ?? 0,
            status?["lastRotateRequest"]?.GetValue<string>(),
            ready?["reason"]?.GetValue<string>());
    }
}
