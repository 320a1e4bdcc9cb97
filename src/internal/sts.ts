/**
 * The caller's AWS account, from STS `GetCallerIdentity`, for `Env.fromDefaults` without an
 * account. The STS client is only referenced here, so a bundle that uses `Env.make` (or anything but
 * `fromDefaults`) tree-shakes it away.
 *
 * @internal
 */
import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import * as EcrError from '../EcrError'
import { isAccountId, type AccountId } from '../Primitives'
import { fromAwsError } from './awsError'

/**
 * Asks STS who the caller is, with a client built from `config` and destroyed afterwards. A failed
 * call is an `AwsError`; an answer without a 12-digit account a `DecodeError`.
 */
export const callerAccount =
  (config: STSClientConfig): TE.TaskEither<EcrError.EcrError, AccountId> =>
  async () => {
    let sts: STSClient | undefined
    let account: unknown
    try {
      sts = new STSClient(config)
      const out = await sts.send(new GetCallerIdentityCommand({}))
      account = out?.Account
    } catch (e) {
      return E.left(fromAwsError('GetCallerIdentity')(e))
    } finally {
      sts?.destroy()
    }
    return isAccountId(account)
      ? E.right(account)
      : E.left(EcrError.decodeError('GetCallerIdentity response', ['Account: expected a 12-digit account id']))
  }
