/** Sign-in with the admin token (the one page shown signed out). */
import { Layout } from "../layout.tsx";

/** Sign-in with the admin token. */
export function SignInPage(props: { error?: string }) {
  return (
    <Layout title="Sign in">
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <form method="post" action="/ui/signin">
        <label>
          Admin token (SLUICE_ADMIN_TOKEN)
          <input type="password" name="token" autocomplete="current-password" autofocus />
        </label>
        <p>
          <button type="submit">Sign in</button>
        </p>
      </form>
    </Layout>
  );
}
