namespace ServiceTokenOperator.Controllers;

/// <summary>What to do, and why, in words a person reads in a condition.</summary>
/// <param name="Policy">The parsed policy, set once the spec was found valid.</param>
internal sealed record TokenDecision(TokenAction Action, string Reason, string Message, TokenPolicy? Policy = null);
