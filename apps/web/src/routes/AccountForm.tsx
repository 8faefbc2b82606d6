export default function AccountForm() {
  return <h1>AccountForm</h1>;
}
