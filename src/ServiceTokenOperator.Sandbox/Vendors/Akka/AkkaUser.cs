namespace ServiceTokenOperator.Sandbox.Vendors.Akka;

/// <summary>A user of the simulated project, known by the refresh token the CLI would hold.</summary>
internal sealed record AkkaUser(string Subject, bool ProjectAdmin);
