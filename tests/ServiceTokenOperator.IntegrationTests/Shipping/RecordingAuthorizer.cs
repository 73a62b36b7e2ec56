using System.Collections.Concurrent;
using ServiceTokenOperator.Sandbox.Kubernetes;

namespace ServiceTokenOperator.IntegrationTests.Shipping;

/// <summary>Decides as the inner authorizer does and records every denial, so a 403 names the missing permission.</summary>
internal sealed class RecordingAuthorizer(IKubeAuthorizer inner) : IKubeAuthorizer
{
    private readonly ConcurrentQueue<string> _denials = new();

    public IReadOnlyList<string> Denials => [.. _denials];

    public bool Allows(KubeUser user, KubeRequestAttributes request)
    {
        if (inner.Allows(user, request)) return true;
        var resource = request.Subresource is null ? request.Resource : $"{request.Resource}/{request.Subresource}";
        _denials.Enqueue($"{user.Name}: {request.Verb} {request.Group}/{resource} {request.Namespace}/{request.Name}");
        return false;
    }
}
