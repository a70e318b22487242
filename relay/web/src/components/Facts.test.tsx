import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Fact, Facts } from "./Facts";

describe("Facts", () => {
  it("pairs each label with its value in a description list", () => {
    render(
      <Facts>
        <Fact label="Model">OpenCom 150</Fact>
        <Fact label="Firmware">9.2</Fact>
      </Facts>,
    );
    const terms = screen.getAllByRole("term").map((term) => term.textContent);
    const values = screen.getAllByRole("definition").map((value) => value.textContent);
    expect(terms).toEqual(["Model", "Firmware"]);
    expect(values).toEqual(["OpenCom 150", "9.2"]);
  });
});
