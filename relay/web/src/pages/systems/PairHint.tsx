import { useTranslation } from "react-i18next";
import { pairCommand } from "./systemLogic";

const MARKER = "\u0000";

// "On site, the installer runs `ccc-agent pair CODE` ..." with the command in code type,
// wherever the language puts it in the sentence.
export function PairHint({ code }: { code: string }) {
  const { t } = useTranslation("systems");
  const [before = "", after = ""] = t("code.hint", { command: MARKER }).split(MARKER);
  return (
    <>
      {before}
      <code className="pair-command">{pairCommand(code)}</code>
      {after}
    </>
  );
}

export default PairHint;
