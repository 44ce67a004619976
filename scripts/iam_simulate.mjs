// Evaluate runtime flows with @cloud-copilot/iam-simulate (test-time only, AGPL-3.0, not shipped).
//
// stdin: a JSON array of {id, simulation} (the library's Simulation shape).
// stdout: a JSON array of {id, decision, errors, grants, denials, nearMisses, ignoredContextKeys}:
//   decision    Allowed | ExplicitlyDenied | ImplicitlyDenied | Error
//   grants      the statements that allowed the request
//   denials     the policies that denied it (explicit statements, or the implicit policy type)
//   nearMisses  statements whose action and resource matched but whose principal or conditions
//               did not: why an expected Allow was denied
// Run once per pytest session over every flow (ml_platform/flows/simulate.py).
import { getDenialReasons, getGrantReasons, runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'))

function conditionFailures(explain) {
  return (explain?.conditions ?? [])
    .filter((c) => c.matches === false)
    .map((c) => ({
      operator: c.operator,
      key: c.conditionKeyValue,
      expected: Array.isArray(c.values) ? c.values.map((v) => v.value) : c.values?.value,
      actual: c.resolvedConditionKeyValue ?? null,
      missingKey: c.failedBecauseMissing ?? false
    }))
}

function nearMisses(analysis) {
  const misses = []
  const collect = (policyType, statements) => {
    for (const s of statements ?? []) {
      if (s.actionMatch && s.resourceMatch && !(s.principalMatch === 'Match' && s.conditionMatch === 'Match')) {
        const statement = s.statement?.statementObject ?? {}
        misses.push({
          policyType,
          policyId: s.policyId ?? null,
          sid: statement.Sid ?? `#${(s.statement?._index ?? 0) + 1}`,
          effect: statement.Effect,
          principalMatch: s.principalMatch,
          failedConditions: conditionFailures(s.explain)
        })
      }
    }
  }
  collect('identity', analysis?.identityAnalysis?.unmatchedStatements)
  collect('resource', analysis?.resourceAnalysis?.unmatchedStatements)
  collect('permissionBoundary', analysis?.permissionBoundaryAnalysis?.unmatchedStatements)
  return misses
}

const results = []
for (const { id, simulation } of requests) {
  try {
    const response = await runSimulation(simulation, {})
    if (response.resultType === 'error') {
      results.push({ id, decision: 'Error', errors: response.errors })
      continue
    }
    const result = response.resultType === 'single' ? response.result : response.results[0]
    const analysis = result?.analysis
    results.push({
      id,
      decision: response.overallResult,
      grants: analysis ? getGrantReasons(analysis) : [],
      denials: analysis && response.overallResult !== 'Allowed' ? getDenialReasons(analysis) : [],
      nearMisses: response.overallResult === 'Allowed' ? [] : nearMisses(analysis),
      identity: analysis?.identityAnalysis?.result ?? null,
      resource: analysis?.resourceAnalysis?.result ?? null,
      boundary: analysis?.permissionBoundaryAnalysis?.result ?? null,
      ignoredContextKeys: result?.ignoredContextKeys ?? []
    })
  } catch (error) {
    results.push({ id, decision: 'Error', errors: { message: String(error?.stack ?? error) } })
  }
}
process.stdout.write(JSON.stringify(results))
