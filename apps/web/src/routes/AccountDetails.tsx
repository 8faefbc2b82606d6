export default function AccountDetails() {
  return <h1>AccountDetails</h1>;
}
